//! The one Levenberg–Marquardt damping loop every LM solver here uses (the `lm` trainer, greedy's
//! candidate refinement and block polish, freeknot's knot polish).
//!
//! A damped Gauss–Newton step solves (A + λ·D) δ = −g for the Gauss–Newton matrix A = JᵀJ, its
//! diagonal D and the gradient g; small λ is a Gauss–Newton step, large λ a short gradient step.
//! [`Damping::attempt`] tries steps at the current λ: a step that lowers the loss is accepted and λ
//! shrinks (λ ← max(λ/shrink, floor)); a rejected step grows it (λ ← min(λ·grow, cap)) and is
//! retried, up to `tries` times or until λ reaches `give_up_at`. A singular system either grows λ
//! too (by `grow_singular`) or ends the attempt. Each solver keeps its own constants ([`Rule`]),
//! stated where it is defined; λ carries over from one attempt to the next.

/// The constants of one solver's damping.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Rule {
    /// λ of the first attempt.
    pub start: f64,
    /// Factor λ grows by after a rejected step.
    pub grow: f64,
    /// Factor λ grows by after a singular system; `None` ends the attempt there.
    pub grow_singular: Option<f64>,
    /// Divisor λ shrinks by after an accepted step.
    pub shrink: f64,
    /// Smallest λ.
    pub floor: f64,
    /// Largest λ.
    pub cap: f64,
    /// Most steps tried per attempt.
    pub tries: usize,
    /// An attempt gives up once λ reaches this.
    pub give_up_at: f64,
}

/// What a tried step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Trial {
    /// It lowered the loss and was kept.
    Accepted,
    /// It did not lower the loss and was undone.
    Rejected,
    /// The damped system could not be solved.
    Singular,
}

/// The current λ under a [`Rule`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Damping {
    /// The current damping factor.
    pub lambda: f64,
    rule: Rule,
}

impl Damping {
    /// λ at the rule's start.
    pub fn new(rule: Rule) -> Self {
        Self { lambda: rule.start, rule }
    }

    /// Try steps `step(λ)` until one is accepted (true) or the rule gives up (false).
    pub fn attempt(&mut self, mut step: impl FnMut(f64) -> Trial) -> bool {
        let r = self.rule;
        for _ in 0..r.tries {
            if self.lambda >= r.give_up_at {
                return false;
            }
            match step(self.lambda) {
                Trial::Accepted => {
                    self.lambda = (self.lambda / r.shrink).max(r.floor);
                    return true;
                }
                Trial::Rejected => self.lambda = (self.lambda * r.grow).min(r.cap),
                Trial::Singular => match r.grow_singular {
                    Some(g) => self.lambda = (self.lambda * g).min(r.cap),
                    None => return false,
                },
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULE: Rule = Rule {
        start: 1e-3,
        grow: 4.0,
        grow_singular: Some(10.0),
        shrink: 3.0,
        floor: 1e-9,
        cap: 1e12,
        tries: 5,
        give_up_at: f64::INFINITY,
    };

    #[test]
    fn lambda_grows_by_four_per_rejection_and_shrinks_by_three_on_acceptance() {
        let mut d = Damping::new(Rule { start: 0.5, ..RULE });
        let mut seen = vec![];
        let mut n = 0;
        assert!(d.attempt(|l| {
            seen.push(l);
            n += 1;
            if n == 3 { Trial::Accepted } else { Trial::Rejected }
        }));
        assert_eq!(seen, vec![0.5, 2.0, 8.0]);
        assert_eq!(d.lambda, 8.0 / 3.0);
    }

    #[test]
    fn an_attempt_ends_after_its_tries_at_the_give_up_lambda_or_on_a_singular_system_without_regrowth() {
        let mut d = Damping::new(Rule { start: 0.5, ..RULE });
        assert!(!d.attempt(|_| Trial::Rejected));
        assert_eq!(d.lambda, 0.5 * 4f64.powi(5), "five tries, five growths");
        let mut d =
            Damping::new(Rule { start: 0.25, grow_singular: Some(2.0), give_up_at: 1.0, tries: usize::MAX, ..RULE });
        let mut calls = 0;
        assert!(!d.attempt(|_| {
            calls += 1;
            Trial::Singular
        }));
        assert_eq!((calls, d.lambda), (2, 1.0), "0.25 → 0.5 → 1 (×2 when singular), then λ ≥ 1 gives up");
        let mut d = Damping::new(Rule { grow_singular: None, ..RULE });
        let mut calls = 0;
        assert!(!d.attempt(|_| {
            calls += 1;
            Trial::Singular
        }));
        assert_eq!((calls, d.lambda), (1, 1e-3), "a singular system ends the attempt, λ unchanged");
    }

    #[test]
    fn lambda_stays_within_its_floor_and_cap() {
        let mut d = Damping::new(Rule { start: 0.5e12, ..RULE });
        d.attempt(|_| Trial::Rejected);
        assert_eq!(d.lambda, 1e12);
        let mut d = Damping::new(Rule { start: 1e-9, ..RULE });
        d.attempt(|_| Trial::Accepted);
        assert_eq!(d.lambda, 1e-9);
    }
}
