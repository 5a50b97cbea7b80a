//! Paces progress updates: the workers report after every slice and every k,
//! and each update shown costs the page a render, a layout and a frame — CPU
//! taken from the two workers on a two-core machine, a large share of a
//! short run. At most one update is shown per interval; the latest held back
//! is shown when the interval ends, so the bar never stays behind.

/// What to do with an offered update.
#[derive(Debug, PartialEq)]
pub enum Offer<T> {
    /// Show it now.
    Show(T),
    /// Held; call [`Pacer::flush`] after this many milliseconds.
    FlushAfter(f64),
    /// Held; a flush is already scheduled.
    Held,
}

#[derive(Debug)]
pub struct Pacer<T> {
    interval_ms: f64,
    last_shown: f64,
    held: Option<T>,
    flush_scheduled: bool,
}

impl<T> Pacer<T> {
    pub fn new(interval_ms: f64) -> Self {
        Self {
            interval_ms,
            last_shown: f64::NEG_INFINITY,
            held: None,
            flush_scheduled: false,
        }
    }

    /// `update` arrived at `now` (milliseconds).
    pub fn offer(&mut self, now: f64, update: T) -> Offer<T> {
        let next_slot = self.last_shown + self.interval_ms;
        if now >= next_slot && !self.flush_scheduled {
            self.last_shown = now;
            self.held = None;
            return Offer::Show(update);
        }
        self.held = Some(update);
        if self.flush_scheduled {
            return Offer::Held;
        }
        self.flush_scheduled = true;
        Offer::FlushAfter(next_slot - now)
    }

    /// The scheduled flush: the latest update held back, if any.
    pub fn flush(&mut self, now: f64) -> Option<T> {
        self.flush_scheduled = false;
        let update = self.held.take()?;
        self.last_shown = now;
        Some(update)
    }

    /// A run ended or a new one started: what is held belongs to no run.
    pub fn forget(&mut self) {
        self.held = None;
        self.last_shown = f64::NEG_INFINITY;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_at_most_one_update_per_interval_and_the_latest_at_its_end() {
        let mut pacer = Pacer::new(100.0);
        assert_eq!(pacer.offer(0.0, 1), Offer::Show(1));
        assert_eq!(pacer.offer(30.0, 2), Offer::FlushAfter(70.0));
        assert_eq!(pacer.offer(60.0, 3), Offer::Held);
        assert_eq!(
            pacer.flush(100.0),
            Some(3),
            "the latest, not the first held"
        );
        // The flush started a new interval.
        assert_eq!(pacer.offer(150.0, 4), Offer::FlushAfter(50.0));
        assert_eq!(pacer.flush(200.0), Some(4));
        // Nothing arrived during that interval: the next update shows at once.
        assert_eq!(pacer.offer(450.0, 5), Offer::Show(5));
        assert_eq!(pacer.offer(460.0, 6), Offer::FlushAfter(90.0));
        // An update arriving after its slot while a flush is pending waits
        // for that flush (a late timer must not show updates out of order).
        assert_eq!(pacer.offer(560.0, 7), Offer::Held);
        assert_eq!(pacer.flush(565.0), Some(7));
        assert_eq!(pacer.flush(700.0), None, "nothing held");
    }

    #[test]
    fn a_forgotten_run_leaves_nothing_to_flush() {
        let mut pacer = Pacer::new(100.0);
        assert_eq!(pacer.offer(0.0, "old run"), Offer::Show("old run"));
        assert_eq!(pacer.offer(10.0, "old run, later"), Offer::FlushAfter(90.0));
        pacer.forget();
        // The old run's timer fires during the new run: nothing of the old run shows.
        assert_eq!(pacer.offer(20.0, "new run"), Offer::Held);
        assert_eq!(pacer.flush(100.0), Some("new run"));
        assert_eq!(pacer.flush(120.0), None);
    }
}
