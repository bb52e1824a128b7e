//! Changing a Team's members: AddTeamMembers (all or nothing, and refused for anyone already a
//! member, so never repeated blindly) and RemoveTeamMember (repeatable: gone is gone).

use reqwest::Method;
use serde::Serialize;

use super::{ApiError, Client, MAX_ATTEMPTS};

/// How an AddTeamMembers ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Added {
    /// The server took the request.
    Sent,
    /// A response was lost (or timed out), and the Team's member list, read afterwards, shows
    /// every ID that was sent: the request landed (or someone else added them meanwhile).
    Confirmed,
}

impl Client {
    /// Adds `member_ids` (user IDs, each once, none already a member) to a Team in one request.
    /// The request is all or nothing, and the server refuses an ID that is already a member,
    /// so it is repeated only when the server certainly did not process it (429, no
    /// connection). After an ambiguous failure (a lost response, a 502/503/504, a timeout) the
    /// Team's members are listed first: if every ID is there it landed; otherwise only the IDs
    /// still missing are sent again.
    pub async fn add_team_members(
        &self,
        organization_id: &str,
        team_id: &str,
        member_ids: &[String],
    ) -> Result<Added, ApiError> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Body<'a> {
            member_ids: &'a [String],
        }
        let url = self.url(&[
            "organizations",
            organization_id,
            "teams",
            team_id,
            "members",
        ]);
        let mut pending: Vec<String> = member_ids.to_vec();
        let mut attempt = 1;
        loop {
            let body = Body {
                member_ids: &pending,
            };
            let error = match self
                .send_once::<()>(Method::POST, url.clone(), &[], Some(&body))
                .await
            {
                Ok(()) => return Ok(Added::Sent),
                Err(e) => e,
            };
            let timed_out = matches!(error, ApiError::Timeout(_));
            if !error.is_transient() && !timed_out {
                return Err(error.after_attempts(attempt));
            }
            if !error.was_not_processed() {
                let members = self.list_team_members(organization_id, team_id).await?;
                pending.retain(|id| !members.iter().any(|m| &m.user_id == id));
                if pending.is_empty() {
                    return Ok(Added::Confirmed);
                }
            }
            if timed_out || attempt >= MAX_ATTEMPTS {
                return Err(error.after_attempts(attempt));
            }
            self.back_off(&error, attempt).await;
            attempt += 1;
        }
    }

    /// Takes one member out of a Team, retrying transient failures: a retry that finds them no
    /// longer a member (404) means an earlier attempt did it.
    pub async fn remove_team_member(
        &self,
        organization_id: &str,
        team_id: &str,
        member_id: &str,
    ) -> Result<(), ApiError> {
        let url = self.url(&[
            "organizations",
            organization_id,
            "teams",
            team_id,
            "members",
            member_id,
        ]);
        let mut attempt = 1;
        loop {
            match self
                .send_once::<()>(Method::DELETE, url.clone(), &[], None::<&()>)
                .await
            {
                Ok(()) => return Ok(()),
                Err(e) if attempt > 1 && e.status() == Some(404) => return Ok(()),
                Err(e) if attempt < MAX_ATTEMPTS && e.is_transient() => {
                    self.back_off(&e, attempt).await;
                    attempt += 1;
                }
                Err(e) => return Err(e.after_attempts(attempt)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use astro_emulator::{Emulator, EmulatorHandle, Fault, FaultKind};
    use reqwest::Url;

    use super::*;
    use crate::secret::Token;

    const PLATFORM_TEAM: &str = "clrhjy5c000000164wjlm5wfr";

    fn client(emu: &EmulatorHandle) -> Client {
        Client::new(
            Url::parse(&emu.base_url()).unwrap(),
            &Token::new(&emu.token()).unwrap(),
            Duration::from_secs(10),
        )
        .unwrap()
    }

    fn ids(emu: &EmulatorHandle, emails: &[&str]) -> Vec<String> {
        emails.iter().map(|e| emu.user(e).unwrap().id).collect()
    }

    /// A response lost after the server added them: the members are listed, every ID is there,
    /// nothing is sent again (a second POST would be refused: they are members now).
    #[tokio::test]
    async fn a_lost_answer_is_checked_in_the_member_list_not_sent_again() {
        let emu = Emulator::builder().spawn().unwrap();
        let ids = ids(&emu, &["alan@example.com", "edsger@example.com"]);
        emu.inject(
            Fault::new(FaultKind::LostResponse)
                .method("POST")
                .path("/v1/organizations/*/teams/*/members"),
        );
        let added = client(&emu)
            .add_team_members(&emu.organization_id(), PLATFORM_TEAM, &ids)
            .await
            .unwrap();
        assert_eq!(added, Added::Confirmed);
        let requests: Vec<String> = emu
            .requests()
            .iter()
            .map(|r| format!("{} {}", r.method, r.path))
            .collect();
        assert_eq!(
            requests.iter().filter(|r| r.starts_with("POST")).count(),
            1,
            "{requests:#?}"
        );
        assert!(
            requests.last().unwrap().starts_with("GET")
                && requests.last().unwrap().ends_with("/members"),
            "{requests:#?}"
        );
        assert_eq!(
            emu.team("Platform Team").unwrap().members,
            [
                "grace@example.com",
                "alan@example.com",
                "edsger@example.com"
            ]
        );
    }

    /// A 503 the server answered without adding anyone: the list shows them missing, so they
    /// are sent again; a 429 is sent again without looking.
    #[tokio::test]
    async fn a_refusal_that_added_nobody_is_sent_again() {
        let emu = Emulator::builder().spawn().unwrap();
        let ids = ids(&emu, &["alan@example.com"]);
        emu.inject(
            Fault::new(FaultKind::Status {
                status: 503,
                retry_after: Some("0".into()),
            })
            .method("POST")
            .path("/v1/organizations/*/teams/*/members"),
        );
        emu.inject(
            Fault::new(FaultKind::Status {
                status: 429,
                retry_after: Some("0".into()),
            })
            .method("POST")
            .path("/v1/organizations/*/teams/*/members"),
        );
        let added = client(&emu)
            .add_team_members(&emu.organization_id(), PLATFORM_TEAM, &ids)
            .await
            .unwrap();
        // The list was read after the 503 (not after the 429), then the POST went through.
        assert_eq!(added, Added::Sent);
        let methods: Vec<String> = emu.requests().iter().map(|r| r.method.clone()).collect();
        assert_eq!(
            methods.iter().filter(|m| *m == "POST").count(),
            3,
            "{methods:?}"
        );
        assert_eq!(
            methods.iter().filter(|m| *m == "GET").count(),
            1,
            "{methods:?}"
        );
        assert_eq!(
            emu.team("Platform Team").unwrap().members,
            ["grace@example.com", "alan@example.com"]
        );
    }

    #[tokio::test]
    async fn a_removal_retried_after_a_lost_answer_that_finds_them_gone_is_done() {
        let emu = Emulator::builder().spawn().unwrap();
        let grace = emu.user("grace@example.com").unwrap().id;
        emu.inject(
            Fault::new(FaultKind::LostResponse)
                .method("DELETE")
                .path("/v1/organizations/*/teams/*/members/*"),
        );
        client(&emu)
            .remove_team_member(&emu.organization_id(), PLATFORM_TEAM, &grace)
            .await
            .unwrap();
        let statuses: Vec<u16> = emu.requests().iter().map(|r| r.status).collect();
        assert_eq!(statuses.len(), 2, "{statuses:?}");
        assert_eq!(statuses[1], 404);
        assert!(emu.team("Platform Team").unwrap().members.is_empty());
    }
}
