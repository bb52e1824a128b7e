//! Many rows at once (`--from-file FILE|-`): reading and checking a CSV or JSON-lines file
//! ([`read`]), then applying its rows with bounded concurrency and reporting one result per row
//! in file order, with Ctrl-C accounting ([`report`]).

pub mod read;
pub mod report;
