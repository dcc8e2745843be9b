//! May this task pull this image? A private registry's credentials in the agent's
//! `ECS_ENGINE_AUTH_DATA`; for ECR, the IAM actions of the role that pulls (the task's execution
//! role, else on EC2 the instance's role), and an auth token held 12 h per role and host
//! (docs/ecs-facts.md §9). A refusal is worded as ECS words it (`CannotPullContainerError: pull
//! access denied …`).

use super::Simulation;
use crate::iam::ECR_PULL_ACTIONS;
use crate::log::LogKind;
use crate::registry::is_ecr;
use crate::time::SimDuration;
use crate::units::{ImageId, NetId, TaskId};

impl Simulation {
    /// The role that pulls for a task: its execution role, else on EC2 its instance's role.
    pub(super) fn puller_role(&self, t: TaskId) -> Option<String> {
        let task = &self.tasks[t.index()];
        let td = &self.sc.taskdefs[task.taskdef.index()];
        td.execution_role.clone().or_else(|| {
            task.host.and_then(|h| {
                self.sc.groups[self.instances[h.index()].group]
                    .iam_role
                    .clone()
            })
        })
    }

    /// Why the task may not pull `image`, in ECS's words, or `None`.
    pub(super) fn pull_denied(&self, t: TaskId, im: ImageId) -> Option<String> {
        let image = self.sc.images.image(im);
        let reg = image.registry.as_str();
        let host = self.tasks[t.index()].host;
        if self.sc.spec.private_registries.iter().any(|r| r == reg) {
            let why = match host {
                Some(h) => self.instances[h.index()].agent.credentials_for(reg).err(),
                None => Some(format!(
                    "Fargate has no credentials for registry {reg} (repositoryCredentials are not modelled)"
                )),
            };
            if let Some(why) = why {
                return Some(format!(
                    "CannotPullContainerError: pull access denied for {}: {why}",
                    image.reference
                ));
            }
        }
        if is_ecr(reg) {
            let role = self.puller_role(t);
            let denied = self.sc.roles.denied(role.as_deref(), &ECR_PULL_ACTIONS)?;
            return Some(match role {
                Some(r) => format!(
                    "CannotPullContainerError: pull access denied for {}: AccessDeniedException: role {r} is not authorized to perform: {denied}",
                    image.reference
                ),
                None if host.is_none() => format!(
                    "CannotPullContainerError: pull access denied for {}: no basic auth credentials (Fargate pulls from ECR with the task execution role, and the task definition has none)",
                    image.reference
                ),
                None => format!(
                    "CannotPullContainerError: pull access denied for {}: no basic auth credentials (no execution role, and the instance has no IAM role)",
                    image.reference
                ),
            });
        }
        None
    }

    /// The time to get an ECR auth token for the task's puller on `net`, if none is held: one
    /// per role per host, valid 12 h (docs/ecs-facts.md §9); a Fargate host is new for every task.
    pub(super) fn ecr_token(&mut self, net: NetId, t: TaskId) -> SimDuration {
        let role = self.puller_role(t);
        let now = self.engine.now();
        let fetch = &self.sc.spec.model.auth_token_fetch;
        let (wait, fetched) = self.pulls.nets[net.index()].ecr_token(role.clone(), now, fetch);
        if !fetched {
            return wait;
        }
        self.pulls.stats.auth_tokens += 1;
        if self.log.has_room() {
            let who = role.as_deref().unwrap_or("the agent (no role named)");
            let msg = format!(
                "ECR auth token for {who} on {} fetched, valid 12 h",
                self.net_name(net)
            );
            let host = self.tasks[t.index()].host;
            self.push_log(LogKind::EcrAuthToken, None, Some(t), host, msg);
        }
        wait
    }
}
