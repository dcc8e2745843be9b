//! Batches at run time (`crate::batch` has the model): a RUNNING batch task finishes after its
//! drawn run time; a task that stops any other way is an interrupted attempt, run again while
//! attempts remain; the batch is done when every task has finished or given up.

use super::event::TaskEvent;
use super::{Event, Simulation};
use crate::log::LogKind;
use crate::task::TaskState;
use crate::units::TaskId;

impl Simulation {
    /// A batch task is RUNNING: its work ends after the drawn run time.
    pub(super) fn batch_task_running(&mut self, t: TaskId) {
        let si = self.tasks[t.index()].service.index();
        let Some(b) = &self.sc.services[si].batch else {
            return;
        };
        let d = b.run_time.sample(&mut self.services[si].streams.batch);
        let generation = self.tasks[t.index()].generation;
        self.engine.schedule(
            self.engine.now() + d,
            Event::task(t, generation, TaskEvent::BatchDone),
        );
    }

    /// The task's work is done: its essential container exits 0.
    pub(super) fn batch_task_done(&mut self, t: TaskId) {
        if self.tasks[t.index()].state != TaskState::Running {
            return;
        }
        let si = self.tasks[t.index()].service.index();
        self.tasks[t.index()].succeeded = true;
        debug_assert!(
            self.services[si].desired > 0,
            "a batch task done with none desired"
        );
        self.services[si].desired = self.services[si].desired.saturating_sub(1);
        self.services[si].batch.completed += 1;
        self.stop(t, super::StopCause::Finished);
        self.batch_check_done(si);
        // A task that finished on a DRAINING instance may have a replacement already: one too
        // many now.
        self.scheduler_acts(crate::units::ServiceId(si as u32));
    }

    /// A batch task stops without finishing (it leaves the live tasks): another attempt, or the
    /// batch gives it up.
    pub(super) fn batch_task_stopped(&mut self, t: TaskId) {
        let task = &self.tasks[t.index()];
        let si = task.service.index();
        let Some(b) = &self.sc.services[si].batch else {
            return;
        };
        // Only an interruption needs a re-run: the scheduler's own stops (a surplus, a DRAINING
        // instance's task whose replacement is started) have no replacement to ask for.
        if task.succeeded
            || matches!(
                task.stop_code,
                None | Some(crate::task::StopCode::ServiceSchedulerInitiated)
            )
        {
            return;
        }
        let (attempt, attempts) = (task.attempt, b.attempts);
        let st = &mut self.services[si];
        // A surplus task stopped: the replacement of a DRAINING instance's task that failed while
        // the task it replaces still runs. The live tasks cover every unit of work left, so there
        // is nothing to re-run or give up (counting it gave up work that was still running, and
        // the property tests found the desired count then going below zero).
        if st.live.len() as u32 >= st.desired {
            return;
        }
        st.batch.interrupted += 1;
        if attempt < attempts {
            st.batch.next_attempts.push(attempt + 1);
        } else {
            st.desired = st.desired.saturating_sub(1);
            st.batch.gave_up += 1;
            let name = self.task_name(t);
            let svc = self.sc.services[si].name.clone();
            let msg = format!("batch {svc}: task {name} gave up after {attempt} attempts");
            self.push_log(LogKind::BatchGaveUp, Some(svc), Some(t), None, msg);
            self.batch_check_done(si);
        }
    }

    fn batch_check_done(&mut self, si: usize) {
        let st = &mut self.services[si];
        if st.desired > 0 || st.batch.finished_at.is_some() {
            return;
        }
        st.batch.finished_at = Some(self.engine.now());
        let (done, gave_up) = (st.batch.completed, st.batch.gave_up);
        let svc = self.sc.services[si].name.clone();
        let took = self
            .engine
            .now()
            .since(crate::time::SimTime::ZERO + self.sc.services[si].start_at);
        let msg = format!(
            "batch {svc} finished after {:.1} s: {done} tasks done, {gave_up} given up",
            took.as_secs_f64()
        );
        self.push_log(LogKind::BatchFinished, Some(svc), None, None, msg);
    }
}
