//! Which side panels show and how wide they may be, so that the hologram view keeps the
//! room: its side is never less than [`VIEW_SHARE`] of the window's shorter side. A panel
//! the user hid (Ctrl+B, Ctrl+I) stays hidden across runs; a panel the window is too narrow
//! for folds away by itself, the inspector first, and comes back when the window widens —
//! unless the user asked for it while it was folded, which shows it anyway until hidden.

/// The share of the window's shorter side the view keeps.
pub const VIEW_SHARE: f32 = 0.6;
/// Side-panel widths, points.
pub const BROWSER_MIN: f32 = 220.0;
pub const BROWSER_DEFAULT: f32 = 300.0;
pub const INSPECTOR_MIN: f32 = 260.0;
pub const INSPECTOR_DEFAULT: f32 = 360.0;
/// Neither panel grows past this share of the window's width.
const PANEL_MAX_SHARE: f32 = 0.4;
/// The central panel's margins and the handles of folded panels, points.
const CHROME: f32 = 40.0;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Browser,
    Inspector,
}

/// The user's asks beyond the remembered settings (this run only).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Layout {
    /// The window's size in the last frame, points.
    pub window: [f32; 2],
    /// Shown although the window is too narrow for them.
    pub forced_browser: bool,
    pub forced_inspector: bool,
}

/// One frame's panels: for each, the width range it may take, or None when it is folded.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Plan {
    pub browser: Option<(f32, f32)>,
    pub inspector: Option<(f32, f32)>,
}

impl Layout {
    /// The panels for a window of `window` points, given what the user hid.
    pub fn plan(&self, window: [f32; 2], hide_browser: bool, hide_inspector: bool) -> Plan {
        let [w, h] = window;
        let need = VIEW_SHARE * w.min(h) + CHROME;
        let both_fit = w - BROWSER_MIN - INSPECTOR_MIN >= need;
        let browser_fits = w - BROWSER_MIN >= need;
        let browser = !hide_browser && (browser_fits || self.forced_browser);
        let inspector = !hide_inspector
            && (self.forced_inspector
                || if browser {
                    both_fit
                } else {
                    w - INSPECTOR_MIN >= need
                });
        // The room beyond the shown panels' minimum widths is shared (45% to the browser
        // when both show), so both at their widest still leave the view its share.
        let mins =
            if browser { BROWSER_MIN } else { 0.0 } + if inspector { INSPECTOR_MIN } else { 0.0 };
        let slack = (w - need - mins).max(0.0);
        let (browser_share, inspector_share) = match (browser, inspector) {
            (true, true) => (0.45, 0.55),
            _ => (1.0, 1.0),
        };
        let range = |min: f32, share: f32| {
            let max = (min + slack * share).min(w * PANEL_MAX_SHARE).max(min);
            (min, max)
        };
        Plan {
            browser: browser.then(|| range(BROWSER_MIN, browser_share)),
            inspector: inspector.then(|| range(INSPECTOR_MIN, inspector_share)),
        }
    }

    /// Ctrl+B / Ctrl+I: hides a shown panel, shows a hidden or folded one. Returns the new
    /// "hidden" setting of that side.
    pub fn toggle(&mut self, side: Side, hide_browser: bool, hide_inspector: bool) -> bool {
        let plan = self.plan(self.window, hide_browser, hide_inspector);
        let (shown, forced) = match side {
            Side::Browser => (plan.browser.is_some(), &mut self.forced_browser),
            Side::Inspector => (plan.inspector.is_some(), &mut self.forced_inspector),
        };
        if shown {
            *forced = false;
            return true;
        }
        // Shown again; forced only if the window is too narrow for it.
        let unhidden = match side {
            Side::Browser => {
                Layout::default()
                    .plan(self.window, false, hide_inspector)
                    .browser
            }
            Side::Inspector => {
                Layout::default()
                    .plan(self.window, hide_browser, false)
                    .inspector
            }
        };
        *forced = unhidden.is_none();
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view_side(plan: Plan, window: [f32; 2]) -> f32 {
        let panels = plan.browser.map_or(0.0, |r| r.1) + plan.inspector.map_or(0.0, |r| r.1);
        (window[0] - panels - CHROME).min(window[1])
    }

    #[test]
    fn wide_windows_show_both_panels_and_narrow_ones_fold_the_inspector_first() {
        let l = Layout::default();
        let wide = l.plan([1280.0, 800.0], false, false);
        assert!(wide.browser.is_some() && wide.inspector.is_some());
        let narrow = l.plan([900.0, 650.0], false, false);
        assert!(narrow.browser.is_some() && narrow.inspector.is_none());
        let tiny = l.plan([500.0, 650.0], false, false);
        assert!(tiny.browser.is_none() && tiny.inspector.is_none());
    }

    #[test]
    fn panels_at_their_widest_still_leave_the_view_its_share() {
        let l = Layout::default();
        for window in [
            [1280.0, 800.0],
            [900.0, 650.0],
            [1920.0, 1080.0],
            [700.0, 900.0],
        ] {
            let plan = l.plan(window, false, false);
            let side = view_side(plan, window);
            assert!(
                side + 0.5 >= VIEW_SHARE * window[0].min(window[1]),
                "{window:?}: the view keeps {side} px"
            );
        }
    }

    #[test]
    fn toggling_hides_a_shown_panel_and_forces_a_folded_one() {
        let mut l = Layout {
            window: [900.0, 650.0],
            ..Layout::default()
        };
        // The inspector is folded at 900 wide: asking for it shows it anyway.
        assert!(!l.toggle(Side::Inspector, false, false));
        assert!(l.plan(l.window, false, false).inspector.is_some());
        // Asking again hides it (and the setting says so).
        assert!(l.toggle(Side::Inspector, false, false));
        assert!(l.plan(l.window, false, true).inspector.is_none());
        // A hidden browser comes back on its toggle.
        assert!(l.toggle(Side::Browser, false, false));
        assert!(!l.toggle(Side::Browser, true, false));
        assert!(l.plan(l.window, false, false).browser.is_some());
    }
}
