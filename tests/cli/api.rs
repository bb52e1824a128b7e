//! `astro api`: any request against the emulator, checked against the bundled document first;
//! `astro api ls` and `astro api describe`.

use std::io::Write;
use std::process::Stdio;

use serde_json::{Value, json};

use crate::common::{
    TestEnv, bodies, forged_token, json_of, query_param, requests, stderr, stdout,
};

fn code(out: &std::process::Output) -> Option<i32> {
    out.status.code()
}

/// Every query pair of the recorded requests, in order.
fn queries(env: &TestEnv) -> Vec<String> {
    env.api_requests()
        .into_iter()
        .map(|r| r.query.unwrap_or_default())
        .collect()
}

#[test]
fn operation_ids_paths_and_the_cloud_spelling_send_the_same_request() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let teams_path = format!("/organizations/{org}/teams");
    for args in [
        &["api", "ListTeams"][..],
        &["api", "listteams"][..],
        &["api", "/organizations/{organizationId}/teams"][..],
        &["api", &teams_path[1..]][..],
        &["api", "cloud", "ListTeams"][..],
        &["api", "cloud", "/organizations/{organizationId}/teams"][..],
    ] {
        env.emu.clear_requests();
        let out = env.run(args);
        assert_eq!(code(&out), Some(0), "{args:?}: {}", stderr(&out));
        let doc = json_of(&out);
        assert_eq!(doc["teams"].as_array().unwrap().len(), 4, "{args:?}");
        assert_eq!(requests(&env), [format!("GET /v1{teams_path}")], "{args:?}");
    }
    // The client's identification headers go with every request.
    let request = &env.api_requests()[0];
    let header = |name: &str| {
        request
            .headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.clone())
    };
    assert_eq!(header("x-astro-client-identifier").as_deref(), Some("cli"));
    assert!(header("x-astro-client-version").is_some());
    assert!(header("x-client-os-identifier").is_some());
}

#[test]
fn placeholders_come_from_the_context_or_p_and_an_unfilled_one_is_a_usage_error() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let team = env.emu.teams().into_iter().next().unwrap();

    let out = env.run(&["api", "GetTeam"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("{teamId} has no value"),
        "{}",
        stderr(&out)
    );
    assert!(stderr(&out).contains("-p teamId=VALUE"), "{}", stderr(&out));
    assert!(requests(&env).is_empty());

    let out = env.run(&["api", "GetTeam", "-p", &format!("teamId={}", team.id)]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["name"], team.name.as_str());
    assert_eq!(
        requests(&env),
        [format!("GET /v1/organizations/{org}/teams/{}", team.id)]
    );

    // {workspaceId}: from --workspace-id; without one it names -p and the flag.
    env.emu.clear_requests();
    let out = env.run(&["api", "GetWorkspace"]);
    assert_eq!(code(&out), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("--workspace-id"), "{}", stderr(&out));
    assert!(requests(&env).is_empty());
    let ws = env.emu.workspace("Data Platform").unwrap();
    let out = env.run(&["api", "GetWorkspace", "--workspace-id", &ws.id]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(json_of(&out)["name"], "Data Platform");
    assert_eq!(
        requests(&env),
        [format!("GET /v1/organizations/{org}/workspaces/{}", ws.id)]
    );

    // -p names only the path's placeholders.
    let out = env.run(&["api", "ListTeams", "-p", "teamId=x"]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("the path has no {teamId}"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn fields_are_the_query_of_a_get_with_arrays_as_repeated_keys() {
    let env = TestEnv::new();
    let out = env.run(&[
        "api",
        "ListTeams",
        "-f",
        "names=Admins",
        "-f",
        "names=Data, Analytics",
        "-F",
        "limit=5",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        queries(&env),
        ["names=Admins&names=Data%2C+Analytics&limit=5"]
    );
    let request = &env.api_requests()[0];
    assert_eq!(query_param(request, "limit").as_deref(), Some("5"));
    assert!(request.body.is_none());
}

#[test]
fn fields_are_the_json_body_of_a_post_typed_nested_and_from_files() {
    let env = TestEnv::new();
    let org = env.emu.organization_id();
    let grace = env.user_id("grace@example.com");
    let about = env.write_file("about.txt", "Loads the warehouse\n");
    let out = env.run(&[
        "api",
        "/organizations/{organizationId}/teams",
        "-f",
        "name=Loaders",
        "-F",
        &format!("description=@{about}"),
        "-f",
        &format!("memberIds[]={grace}"),
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        requests(&env),
        [format!("POST /v1/organizations/{org}/teams")]
    );
    assert_eq!(
        bodies(&env),
        [json!({"name": "Loaders", "description": "Loads the warehouse\n", "memberIds": [grace]})]
    );
    let team = env.emu.team("Loaders").expect("created");
    assert_eq!(team.member_ids, std::slice::from_ref(&grace));
    assert_eq!(json_of(&out)["id"], team.id.as_str());

    // Nested objects in an array, and typed values.
    env.emu.clear_requests();
    let ws = env.emu.workspace("Data Platform").unwrap();
    let out = env.run(&[
        "api",
        "UpdateUserRoles",
        "-p",
        &format!("userId={grace}"),
        "-f",
        "organizationRole=ORGANIZATION_MEMBER",
        "-f",
        &format!("workspaceRoles[][workspaceId]={}", ws.id),
        "-f",
        "workspaceRoles[][role]=WORKSPACE_MEMBER",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(
        bodies(&env),
        [json!({"organizationRole": "ORGANIZATION_MEMBER",
                "workspaceRoles": [{"workspaceId": ws.id, "role": "WORKSPACE_MEMBER"}]})]
    );
    assert_eq!(
        env.emu
            .workspace_role("grace@example.com", "Data Platform")
            .as_deref(),
        Some("WORKSPACE_MEMBER")
    );
}

#[test]
fn input_from_stdin_is_the_body() {
    let env = TestEnv::new();
    let mut child = env
        .process()
        .args(["api", "CreateTeam", "--input", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let body = r#"{"name":"From stdin","organizationRole":"ORGANIZATION_MEMBER"}"#;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(body.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let sent = env.mutations();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].body.as_deref(), Some(body));
    let content_type = sent[0].headers.iter().find(|(n, _)| n == "content-type");
    assert_eq!(
        content_type.map(|(_, v)| v.as_str()),
        Some("application/json")
    );
    assert!(env.emu.team("From stdin").is_some());
}

#[test]
fn paginate_reads_the_first_page_then_the_rest_and_merges_them_in_order() {
    let env = TestEnv::with_users(45);
    let org = env.emu.organization_id();
    let all = env.run(&["api", "ListUsers", "-F", "limit=1000"]);
    let expected: Vec<Value> = json_of(&all)["users"].as_array().unwrap().clone();
    let total = expected.len();
    assert!(total > 40, "{total}");

    env.emu.clear_requests();
    let out = env.run(&["api", "ListUsers", "--paginate", "-F", "limit=20"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["users"].as_array().unwrap(), &expected);
    assert_eq!(doc["totalCount"], total);
    assert_eq!(doc["limit"], total);
    assert_eq!(doc["offset"], 0);
    let mut sent = queries(&env);
    assert_eq!(
        sent.remove(0),
        "limit=20&offset=0",
        "the first page comes first"
    );
    sent.sort();
    assert_eq!(sent, ["limit=20&offset=20", "limit=20&offset=40"]);
    assert!(
        requests(&env)
            .iter()
            .all(|r| *r == format!("GET /v1/organizations/{org}/users"))
    );

    // Without a limit the first page is the operation's largest: one request.
    env.emu.clear_requests();
    let out = env.run(&["api", "ListUsers", "--paginate", "--jq", ".users | length"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), total.to_string());
    assert_eq!(queries(&env), ["limit=1000&offset=0"]);

    // --slurp: the pages as they came.
    let out = env.run(&[
        "api",
        "ListUsers",
        "--paginate",
        "--slurp",
        "-F",
        "limit=20",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let pages = json_of(&out);
    let pages = pages.as_array().unwrap();
    assert_eq!(pages.len(), 3);
    let lengths: Vec<usize> = pages
        .iter()
        .map(|p| p["users"].as_array().unwrap().len())
        .collect();
    assert_eq!(lengths, [20, 20, total - 40]);
    assert_eq!(pages[2]["offset"], 40);

    // Not a list operation.
    env.emu.clear_requests();
    let out = env.run(&["api", "GetSelfUser", "--paginate"]);
    assert_eq!(code(&out), Some(2));
    assert!(stderr(&out).contains("not one"), "{}", stderr(&out));
    assert!(requests(&env).is_empty());
}

#[test]
fn jq_include_and_silent_shape_the_output() {
    let env = TestEnv::new();
    let out = env.run(&["api", "ListTeams", "--jq", ".teams[].name"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let mut names: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    let mut expected: Vec<String> = env.emu.teams().into_iter().map(|t| t.name).collect();
    names.sort();
    expected.sort();
    assert_eq!(names, expected);

    let out = env.run(&["api", "GetSelfUser", "-i"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("HTTP/1.1 200 OK\n"), "{text}");
    let (head, body) = text.split_once("\n\n").unwrap();
    assert!(
        head.to_lowercase()
            .contains("content-type: application/json"),
        "{head}"
    );
    assert!(serde_json::from_str::<Value>(body).is_ok(), "{body}");

    env.emu.clear_requests();
    let out = env.run(&["api", "GetSelfUser", "--silent"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    assert_eq!(requests(&env).len(), 1);
}

#[test]
fn generate_prints_curl_without_the_token_and_sends_nothing() {
    let env = TestEnv::new();
    let token = env.emu.token();
    let out = env.run(&["api", "CreateTeam", "-f", "name=It's new", "--generate"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("curl -sS -X POST 'http://127.0.0.1:"),
        "{text}"
    );
    assert!(
        text.contains(r#"-H "Authorization: Bearer $ASTRO_API_TOKEN""#),
        "{text}"
    );
    assert!(text.contains("'x-astro-client-identifier: cli'"), "{text}");
    assert!(
        text.contains(r#"--data-binary '{"name":"It'\''s new"}'"#),
        "{text}"
    );
    assert!(!text.contains(&token) && !stderr(&out).contains(&token));
    assert!(requests(&env).is_empty());
}

#[test]
fn verbose_shows_the_request_and_response_with_the_token_masked() {
    let env = TestEnv::new();
    let token = env.emu.token();
    let out = env.run(&["api", "ListTeams", "--verbose"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("> authorization: Bearer ***"), "{err}");
    assert!(err.contains("> x-astro-client-identifier: cli"), "{err}");
    assert!(err.contains("< HTTP/1.1 200 OK"), "{err}");
    assert!(!err.contains(&token) && !stdout(&out).contains(&token));
}

#[test]
fn bad_requests_are_usage_errors_and_nothing_is_sent() {
    let env = TestEnv::new();
    for (args, says) in [
        (
            &["api", "/organizations/{organizationId}/nothing"][..],
            "no operation of the Astro API has the path",
        ),
        (&["api", "ListTeam"][..], "did you mean ListTeams"),
        (
            &[
                "api",
                "-X",
                "PATCH",
                "/organizations/{organizationId}/teams",
            ][..],
            "PATCH is not a method of /organizations/{organizationId}/teams (the v1 API has no PATCH); it has GET, POST",
        ),
        (
            &["api", "ListTeams", "-X", "DELETE"][..],
            "ListTeams is GET",
        ),
        (
            &["api", "ListTeams", "-f", "nope=1"][..],
            "`nope` is not a query parameter of ListTeams",
        ),
        (
            &["api", "ListTeams", "-f", "limit=many"][..],
            "`limit` of ListTeams must be an integer",
        ),
        (
            &["api", "ListTeams", "-f", "limit=1", "-f", "limit=2"][..],
            "takes one value",
        ),
        (
            &["api", "CreateTeam", "-f", "description=x"][..],
            "the request body lacks `name`",
        ),
        (
            &["api", "CreateTeam"][..],
            "CreateTeam needs a request body with name",
        ),
        (
            &["api", "CreateTeam", "-f", "name=x", "-f", "memberIds=abc"][..],
            "`memberIds` in the request body of CreateTeam must be an array, not string",
        ),
        (
            &[
                "api",
                "CreateTeam",
                "-f",
                "name=x",
                "-F",
                "organizationRole=5",
            ][..],
            "must be a string, not integer",
        ),
        (
            &["api", "RotateApiToken", "-p", "tokenId=x", "-f", "a=b"][..],
            "takes no request body",
        ),
        (
            &["api", "ListTeams", "-f", "novalue"][..],
            "is not key=value",
        ),
        (
            &["api", "ListTeams", "-H", "novalue"][..],
            "is not NAME:VALUE",
        ),
        (
            &["api", "CreateTeam", "-F", "name=@/nonexistent/file"][..],
            "cannot read `/nonexistent/file`",
        ),
        (&["api", "ls", "--paginate"][..], "unexpected argument"),
    ] {
        let out = env.run(args);
        assert_eq!(code(&out), Some(2), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out).matches("error:").count(), 1, "{args:?}");
        assert!(requests(&env).is_empty(), "{args:?} sent a request");
    }
}

#[test]
fn no_validate_sends_what_the_document_would_refuse() {
    let env = TestEnv::new();
    let out = env.run(&["api", "ListTeams", "-f", "nope=1", "--no-validate"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(queries(&env), ["nope=1"]);
}

#[test]
fn an_error_status_prints_the_body_and_exits_by_status() {
    let env = TestEnv::new();
    // 404: exit 3, the body on stdout, one error line on stderr.
    let out = env.run(&[
        "api",
        "GetTeam",
        "-p",
        "teamId=clnotateam0000000000000000",
        "--jq",
        ".name",
    ]);
    assert_eq!(code(&out), Some(3), "{}", stderr(&out));
    let body = json_of(&out);
    assert!(body["message"].is_string(), "{body}");
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 404"), "{}", stderr(&out));

    // 401: exit 4.
    let org = env.emu.organization_id();
    let out = env
        .astro()
        .env("ASTRO_API_TOKEN", forged_token(&org))
        .args(["api", "ListTeams"])
        .output()
        .unwrap();
    assert_eq!(code(&out), Some(4), "{}", stderr(&out));
    assert!(json_of(&out)["message"].is_string());

    // Any other error status (501: not emulated): exit 1.
    let out = env.run(&["api", "ListClusters"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stdout(&out).contains("ListClusters"), "{}", stdout(&out));
}

#[test]
fn ls_lists_and_filters_the_operations() {
    let env = TestEnv::new();
    let out = env.run(&["api", "ls", "teammember"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "METHOD\tPATH\tOPERATION_ID\tSUMMARY");
    assert_eq!(lines.len(), 4, "{lines:?}");
    assert!(lines.contains(&"GET\t/organizations/{organizationId}/teams/{teamId}/members\tListTeamMembers\tList Team members"));

    let out = env.run(&["api", "cloud", "list", "--json"]);
    let doc = json_of(&out);
    let ops = doc["operations"].as_array().unwrap();
    assert_eq!(ops.len(), 75);
    assert!(ops.iter().any(|o| o == &json!({"method": "GET", "path": "/organizations/{organizationId}/teams", "operationId": "ListTeams", "summary": "List Teams"})));
    assert!(requests(&env).is_empty());
}

#[test]
fn describe_shows_parameters_body_and_responses() {
    let env = TestEnv::new();
    let out = env.run(&["api", "describe", "createteam"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("POST /organizations/{organizationId}/teams  (CreateTeam)\n"),
        "{text}"
    );
    for part in [
        "Path parameters:",
        "Request body (CreateTeamRequest, required):",
        "memberIds",
        "(required) The Team's name.",
        "Responses:",
        "200 OK: Team",
        "isIdpManaged",
    ] {
        assert!(text.contains(part), "{part} missing:\n{text}");
    }

    let out = env.run(&[
        "api",
        "describe",
        "/organizations/{organizationId}/teams",
        "-X",
        "get",
        "--json",
    ]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    let doc = json_of(&out);
    assert_eq!(doc["operationId"], "ListTeams");
    assert_eq!(
        doc["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/TeamsPaginated"
    );

    let out = env.run(&[
        "api",
        "describe",
        "/organizations/{organizationId}/teams",
        "-X",
        "PATCH",
    ]);
    assert_eq!(code(&out), Some(2));
    assert!(
        stderr(&out).contains("it has GET, POST"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn reads_are_retried_and_creations_are_not_sent_twice() {
    use astro_emulator::{Fault, FaultKind};
    let env = TestEnv::new();
    let unavailable = || FaultKind::Status {
        status: 503,
        retry_after: Some("0".into()),
    };
    // A read that fails once is sent again.
    env.emu.inject(
        Fault::new(unavailable())
            .method("GET")
            .path("/v1/organizations/*/teams")
            .times(1),
    );
    let out = env.run(&["api", "ListTeams"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(requests(&env).len(), 2);

    // A creation whose outcome is unknown (503) is not sent again: the answer is the 503.
    env.emu.clear_requests();
    env.emu.inject(
        Fault::new(unavailable())
            .method("POST")
            .path("/v1/organizations/*/teams")
            .times(1),
    );
    let out = env.run(&["api", "CreateTeam", "-f", "name=Once"]);
    assert_eq!(code(&out), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("HTTP 503"), "{}", stderr(&out));
    assert_eq!(env.mutations().len(), 1);
    assert!(json_of(&out)["message"].is_string());

    // A 429 means the server did not take it: a creation is sent again.
    env.emu.clear_requests();
    env.emu.inject(
        Fault::new(FaultKind::Status {
            status: 429,
            retry_after: Some("0".into()),
        })
        .method("POST")
        .path("/v1/organizations/*/teams")
        .times(1),
    );
    let out = env.run(&["api", "CreateTeam", "-f", "name=Twice"]);
    assert_eq!(code(&out), Some(0), "{}", stderr(&out));
    assert_eq!(env.mutations().len(), 2);
    assert!(env.emu.team("Twice").is_some());
}
