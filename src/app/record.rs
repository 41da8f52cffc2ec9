//! Tours made by exploring: while recording, each symbol opened and each region unfolded
//! becomes a step holding what the view showed (register, style, layer, zoom and pan, as
//! the user left them) and the time spent on it. Stopping adds the tour to the library as
//! one undoable edit and opens the tour editor on it.

use std::sync::Arc;

use super::HologlyphApp;
use super::commands::Command;
use super::present::view_of;
use crate::library::{Edit, Tour, TourId, TourStep};

/// Shortest and longest step a recording keeps, in seconds.
const MIN_STEP_S: f64 = 2.0;
const MAX_STEP_S: f64 = 600.0;

/// A tour being recorded.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// The steps so far, each with the time it was entered.
    pub steps: Vec<(TourStep, f64)>,
}

impl Recording {
    /// Takes in the view as it is now: a new step when another symbol or region shows,
    /// else the current step follows the view (register, look, zoom).
    pub fn observe(&mut self, seen: TourStep, now: f64) {
        match self.steps.last_mut() {
            Some((last, _))
                if last.symbol == seen.symbol
                    && (seen.regions.is_empty() || seen.regions == last.regions) =>
            {
                last.register = seen.register;
                last.style = seen.style;
                last.layer = seen.layer;
                last.view = seen.view;
            }
            _ => self.steps.push((seen, now)),
        }
    }

    /// The steps with the time spent on each (until the next one, the last until `now`).
    pub fn finish(self, now: f64) -> Vec<TourStep> {
        let ends: Vec<f64> = self
            .steps
            .iter()
            .skip(1)
            .map(|(_, t)| *t)
            .chain([now])
            .collect();
        self.steps
            .into_iter()
            .zip(ends)
            .map(|((mut step, start), end)| {
                let s = (end - start).clamp(MIN_STEP_S, MAX_STEP_S);
                step.seconds = ((s * 10.0).round() / 10.0) as f32;
                step
            })
            .collect()
    }
}

impl HologlyphApp {
    /// Starts recording, or stops and adds the recorded tour.
    pub(super) fn toggle_recording(&mut self) {
        let now = self.state.clock.now;
        let st = &mut self.state;
        let Some(rec) = st.recording.take() else {
            let mut rec = Recording::default();
            if let Some(seen) = view_of(st) {
                rec.observe(seen, now);
            }
            st.recording = Some(rec);
            st.status
                .info("recording a tour: open symbols and unfold regions; Ctrl+Shift+R stops");
            return;
        };
        let lib = st.doc.library().clone();
        let mut steps = rec.finish(now);
        if steps.is_empty() {
            st.status
                .info("nothing was recorded (open a symbol while recording)");
            return;
        }
        // A caption to start from: what the step shows.
        for s in &mut steps {
            if let Some(sym) = lib.symbol(&s.symbol) {
                let region = s
                    .regions
                    .first()
                    .and_then(|r| sym.regions.iter().find(|x| x.id == *r));
                s.caption = match region {
                    Some(r) => format!("{} — {}", sym.name, r.label),
                    None => format!("{} — {}", sym.name, sym.gloss),
                };
            }
        }
        let n = (1..)
            .find(|n| lib.tour(&format!("recorded-{n}")).is_none())
            .unwrap_or(1);
        let id = TourId::from(format!("recorded-{n}"));
        let count = steps.len();
        let tour = Tour {
            id: id.clone(),
            title: format!("Recorded tour {n}"),
            steps,
        };
        self.rt.commands.push(Command::Edit {
            edit: Edit::AddTour(Arc::new(tour)),
            merge: None,
        });
        self.rt.commands.push(Command::EditTour(Some(id.clone())));
        self.state
            .status
            .info(format!("recorded {count} steps as tour “{id}”"));
    }

    /// While recording, takes in what the view shows this frame.
    pub(super) fn record_tick(&mut self) {
        let now = self.state.clock.now;
        if self.state.present.is_some() {
            return;
        }
        let seen = view_of(&self.state);
        if let (Some(rec), Some(seen)) = (&mut self.state.recording, seen) {
            rec.observe(seen, now);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::library::Register;

    #[test]
    fn a_new_symbol_or_region_is_a_new_step_and_the_view_follows() {
        let mut r = Recording::default();
        r.observe(TourStep::new("a".into()), 0.0);
        let mut zoomed = TourStep::new("a".into());
        zoomed.view = Some([0.1, 0.1, 0.5]);
        zoomed.register = Register::Body;
        r.observe(zoomed, 3.0);
        let mut region = TourStep::new("a".into());
        region.regions = vec!["gap".into()];
        r.observe(region.clone(), 5.0);
        // The region folded again: still the same step.
        r.observe(TourStep::new("a".into()), 6.0);
        r.observe(TourStep::new("b".into()), 20.0);
        let steps = r.finish(20.5);
        assert_eq!(steps.len(), 3);
        assert_eq!(steps[0].view, Some([0.1, 0.1, 0.5]));
        assert_eq!(steps[0].register, Register::Body);
        assert_eq!(steps[0].seconds, 5.0);
        assert_eq!(steps[1].regions, vec!["gap".to_string()]);
        assert_eq!(steps[1].seconds, 15.0);
        // The last step: at least the shortest step.
        assert_eq!(steps[2].seconds, MIN_STEP_S as f32);
    }
}
