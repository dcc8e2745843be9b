//! ECR and IAM: who may pull (the execution role, else the instance role), the log actions
//! `awslogs` needs, and ECR tokens per role and host.

use ecsim_core::log::LogKind;
use ecsim_tests::kit::*;

#[test]
fn an_access_denied_pull_stops_the_task_with_cannot_pull_container_error() {
    let out = ecr_scenario(
        ROLES,
        "",
        r#"executionRoleArn = "arn:aws:iam::123456789012:role/logsOnly""#,
        "",
    );
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(s.tasks.failed >= 1);
    assert_eq!(
        s.failed_reasons.keys().collect::<Vec<_>>(),
        ["CannotPullContainerError"]
    );
    let msg = &out
        .log
        .entries
        .iter()
        .find(|e| e.kind == LogKind::TaskFailed)
        .expect("a failed start is logged")
        .message;
    assert!(
        msg.contains("CannotPullContainerError")
            && msg.contains("AccessDeniedException")
            && msg.contains("logsOnly is not authorized to perform: ecr:GetAuthorizationToken"),
        "{msg}"
    );
    // With the managed execution policy the same task runs; without an execution role, the
    // instance role pulls.
    let ok = ecr_scenario(
        ROLES,
        "",
        r#"executionRoleArn = "ecsTaskExecutionRole""#,
        "",
    );
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
    let by_instance = ecr_scenario(ROLES, "iam_role = \"ecsTaskExecutionRole\"", "", "");
    assert_eq!(by_instance.summary.services["app"].tasks.running_end, 1);
    let no_role = ecr_scenario(ROLES, "", "", "");
    assert_eq!(no_role.summary.services["app"].tasks.running_end, 0);
}

#[test]
fn fargate_pulls_from_ecr_only_with_an_execution_role() {
    let td = FARGATE_TD.to_string();
    let out = ecr_scenario(ROLES, "", &td, "launchType = \"FARGATE\"");
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(out
        .log
        .entries
        .iter()
        .any(|e| e.message.contains("no basic auth credentials (Fargate")));
    let with_role = format!("{td}\nexecutionRoleArn = \"ecsTaskExecutionRole\"");
    let ok = ecr_scenario(ROLES, "", &with_role, "launchType = \"FARGATE\"");
    assert_eq!(ok.summary.services["app"].tasks.running_end, 1);
}

#[test]
fn awslogs_needs_the_log_actions() {
    let roles = r#"
[[roles]]
name = "pullOnly"
actions = ["ecr:*"]
"#;
    let c = r#"{ name = "w", image = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1", cpu = 256, memory = 512, logConfiguration = { logDriver = "awslogs" } }"#;
    let out = Sc {
        container: c,
        rest: roles,
        taskdef: r#"executionRoleArn = "pullOnly""#,
        ..Default::default()
    }
    .run();
    let s = &out.summary.services["app"];
    assert_eq!(s.tasks.running_end, 0);
    assert!(
        s.failed_reasons.contains_key("CannotStartContainerError"),
        "{:?}",
        s.failed_reasons
    );
}

#[test]
fn an_ecr_token_lasts_twelve_hours_per_role_and_host() {
    // Scale out now and then for 30 hours on one host: the token fetched for the first pull
    // (1 min) serves the pulls at 5 h and 10 h; the pull at 13 h fetches a new one (to 25 h),
    // which serves 20 h; the pull at 26 h fetches a third.
    let mut rest = String::from("[[roles]]\nname = \"exec\"\nactions = [\"ecr:*\"]\n");
    for (k, h) in [5, 10, 13, 20, 26].iter().enumerate() {
        rest += &scale_to(k as u32 + 2, &format!("{h}h"));
    }
    let container = format!(r#"{{ name = "w", image = "{ECR_IMAGE}", cpu = 128, memory = 64 }}"#);
    let out = Sc {
        duration: "30h",
        ecs_config: "ECS_DISABLE_IMAGE_CLEANUP=true",
        container: &container,
        taskdef: "executionRoleArn = \"exec\"",
        rest: &rest,
        ..Default::default()
    }
    .run();
    assert_eq!(out.summary.images.pulls, 6);
    assert_eq!(
        out.summary.images.auth_tokens, 3,
        "{:?}",
        out.summary.images
    );
}
