//! IAM roles, reduced to what decides whether a task can start: the actions each role allows.
//!
//! Who acts (docs/ecs-facts.md §10): the task execution role pulls from ECR and writes `awslogs` logs for
//! the agent (or for Fargate); on EC2 without one, the container instance's role does. A pull
//! from ECR needs `ecr:GetAuthorizationToken`, `ecr:BatchGetImage` and
//! `ecr:GetDownloadUrlForLayer` (§9 "Pull call sequence"); `awslogs` needs `logs:CreateLogStream`
//! and `logs:PutLogEvents` (§10 `AmazonECSTaskExecutionRolePolicy`).
//!
//! A scenario that declares no `roles` does not model IAM: every principal may do everything.
//! Once it declares any, the roles task definitions and instance groups name must be declared.

use crate::error::FieldError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The actions an ECR pull performs, in call order (docs/ecs-facts.md §9).
pub const ECR_PULL_ACTIONS: [&str; 3] = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchGetImage",
    "ecr:GetDownloadUrlForLayer",
];

/// The actions the `awslogs` log driver performs (docs/ecs-facts.md §10).
pub const LOGS_ACTIONS: [&str; 2] = ["logs:CreateLogStream", "logs:PutLogEvents"];

/// docs/ecs-facts.md §10: `AmazonECSTaskExecutionRolePolicy`.
const EXECUTION_POLICY: [&str; 6] = [
    "ecr:GetAuthorizationToken",
    "ecr:BatchCheckLayerAvailability",
    "ecr:GetDownloadUrlForLayer",
    "ecr:BatchGetImage",
    "logs:CreateLogStream",
    "logs:PutLogEvents",
];

/// The managed policies a role may attach by name, with the actions ecsim knows they allow.
/// `AmazonEC2ContainerServiceforEC2Role` (the usual instance role's policy) also allows the
/// ECR pull and log actions; its full list (ecs:*, …) is not in docs/ecs-facts.md, and only the pull and
/// log actions matter here.
pub fn managed_policy(name: &str) -> Option<&'static [&'static str]> {
    match name {
        "AmazonECSTaskExecutionRolePolicy" | "AmazonEC2ContainerServiceforEC2Role" => {
            Some(&EXECUTION_POLICY)
        }
        _ => None,
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RoleSpec {
    pub name: String,
    /// Allowed actions (`ecr:BatchGetImage`, `ecr:*`, `*`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub actions: Vec<String>,
    /// Managed policies attached by name.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub managed_policies: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Role {
    pub name: String,
    allowed: BTreeSet<String>,
}

impl Role {
    /// Whether the role allows `action`, directly or through a `service:*` or `*` wildcard.
    pub fn allows(&self, action: &str) -> bool {
        let service = action.split(':').next().unwrap_or("");
        self.allowed.contains(action)
            || self.allowed.contains("*")
            || self.allowed.contains(&format!("{service}:*"))
    }

    /// The first of `actions` the role does not allow.
    pub fn first_denied<'a>(&self, actions: &[&'a str]) -> Option<&'a str> {
        actions.iter().copied().find(|a| !self.allows(a))
    }
}

/// The roles of a scenario.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Roles {
    roles: Vec<Role>,
}

impl Roles {
    pub fn build(specs: &[RoleSpec]) -> Result<Roles, FieldError> {
        let mut roles: Vec<Role> = Vec::new();
        for (i, r) in specs.iter().enumerate() {
            let p = |f: &str| format!("roles[{i}].{f}");
            if r.name.trim().is_empty() {
                return Err(FieldError::new(p("name"), "must not be empty"));
            }
            if roles.iter().any(|o| o.name == r.name) {
                return Err(FieldError::new(
                    p("name"),
                    format!("{:?} names two roles", r.name),
                ));
            }
            let mut allowed = BTreeSet::new();
            for (j, a) in r.actions.iter().enumerate() {
                if a != "*" && !a.contains(':') {
                    return Err(FieldError::new(
                        p(&format!("actions[{j}]")),
                        format!(
                            "{a:?} is not an action; write service:Action, like ecr:BatchGetImage"
                        ),
                    ));
                }
                allowed.insert(a.clone());
            }
            for (j, m) in r.managed_policies.iter().enumerate() {
                let Some(actions) = managed_policy(m) else {
                    return Err(FieldError::new(
                        p(&format!("managed_policies[{j}]")),
                        format!("{m:?} is not a policy ecsim knows; known: AmazonECSTaskExecutionRolePolicy, AmazonEC2ContainerServiceforEC2Role (or list `actions`)"),
                    ));
                };
                allowed.extend(actions.iter().map(|a| a.to_string()));
            }
            roles.push(Role {
                name: r.name.clone(),
                allowed,
            });
        }
        Ok(Roles { roles })
    }

    /// Whether the scenario models IAM at all.
    pub fn modelled(&self) -> bool {
        !self.roles.is_empty()
    }

    pub fn get(&self, name: &str) -> Option<&Role> {
        self.roles.iter().find(|r| r.name == name)
    }

    /// Resolves a role named in the scenario (a name or an ARN) at `path`: when IAM is
    /// modelled it must be declared.
    pub fn resolve(&self, name_or_arn: &str, path: &str) -> Result<String, FieldError> {
        let name = role_name(name_or_arn);
        if self.modelled() && self.get(name).is_none() {
            let known: Vec<&str> = self.roles.iter().map(|r| r.name.as_str()).collect();
            return Err(FieldError::new(
                path,
                format!(
                    "no role {name:?} in `roles` (declared: {}); declare it with the actions it allows",
                    known.join(", ")
                ),
            ));
        }
        Ok(name.to_string())
    }

    /// The first of `actions` that `principal` may not perform (`None` when IAM is not
    /// modelled, or all are allowed). A missing principal is denied the first action.
    pub fn denied<'a>(&self, principal: Option<&str>, actions: &[&'a str]) -> Option<&'a str> {
        if !self.modelled() {
            return None;
        }
        match principal.and_then(|p| self.get(p)) {
            Some(r) => r.first_denied(actions),
            None => actions.first().copied(),
        }
    }
}

/// The role name of an ARN (`arn:aws:iam::123456789012:role/path/name` → `name`), or the text
/// itself when it is a bare name.
pub fn role_name(name_or_arn: &str) -> &str {
    match name_or_arn.split_once(":role/") {
        Some((_, rest)) => rest.rsplit('/').next().unwrap_or(rest),
        None => name_or_arn,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn role(name: &str, actions: &[&str], managed: &[&str]) -> RoleSpec {
        RoleSpec {
            name: name.into(),
            actions: actions.iter().map(|a| a.to_string()).collect(),
            managed_policies: managed.iter().map(|a| a.to_string()).collect(),
        }
    }

    #[test]
    fn managed_policies_and_wildcards_allow_pulls() {
        let roles = Roles::build(&[
            role("exec", &[], &["AmazonECSTaskExecutionRolePolicy"]),
            role("logs-only", &["logs:*"], &[]),
            role("admin", &["*"], &[]),
        ])
        .unwrap();
        assert_eq!(roles.denied(Some("exec"), &ECR_PULL_ACTIONS), None);
        assert_eq!(roles.denied(Some("exec"), &LOGS_ACTIONS), None);
        assert_eq!(
            roles.denied(Some("logs-only"), &ECR_PULL_ACTIONS),
            Some("ecr:GetAuthorizationToken")
        );
        assert_eq!(roles.denied(Some("logs-only"), &LOGS_ACTIONS), None);
        assert_eq!(roles.denied(Some("admin"), &ECR_PULL_ACTIONS), None);
        assert_eq!(
            roles.denied(None, &ECR_PULL_ACTIONS),
            Some("ecr:GetAuthorizationToken")
        );
    }

    #[test]
    fn without_roles_iam_is_not_modelled() {
        let roles = Roles::build(&[]).unwrap();
        assert_eq!(roles.denied(None, &ECR_PULL_ACTIONS), None);
        assert_eq!(roles.resolve("anything", "x").unwrap(), "anything");
    }

    #[test]
    fn arns_name_roles_and_undeclared_ones_are_refused() {
        assert_eq!(
            role_name("arn:aws:iam::123456789012:role/service/ecsTaskExecutionRole"),
            "ecsTaskExecutionRole"
        );
        let roles = Roles::build(&[role("exec", &["ecr:*"], &[])]).unwrap();
        let e = roles.resolve(
            "arn:aws:iam::1:role/other",
            "task_definitions[0].executionRoleArn",
        );
        assert!(e.unwrap_err().message.contains("\"other\""));
        let e = Roles::build(&[role("x", &["BatchGetImage"], &[])]).unwrap_err();
        assert_eq!(e.path, "roles[0].actions[0]");
    }
}
