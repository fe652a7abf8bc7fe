//! One error for a value outside its allowed range, shared by every validator (suite config,
//! family parameters, trainer settings), so that each names its field the same way.

/// A field whose value is not allowed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("config field `{field}` = {value} is invalid: allowed {allowed}")]
pub struct Invalid {
    /// Dotted path of the field, e.g. `shallow.train.optimizer.lr`.
    pub field: String,
    /// The value as given.
    pub value: String,
    /// What would be accepted.
    pub allowed: String,
}

impl Invalid {
    /// The same error with its field path prefixed by `at` (e.g. `targets[0]`).
    pub fn under(mut self, at: &str) -> Self {
        if !at.is_empty() {
            self.field = format!("{at}.{}", self.field);
        }
        self
    }
}

/// `Ok` when `ok`, else the error for `at.field` = `value`.
pub fn check(ok: bool, at: &str, field: &str, value: &dyn std::fmt::Debug, allowed: &str) -> Result<(), Invalid> {
    if ok {
        return Ok(());
    }
    let field = if at.is_empty() { field.to_string() } else { format!("{at}.{field}") };
    Err(Invalid { field, value: format!("{value:?}"), allowed: allowed.to_string() })
}
