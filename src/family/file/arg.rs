//! The command line's `--target` and `--net` as a [`FileSpec`].
//!
//! `--target` is `knots:PATH`, `samples:PATH`, or a built-in member written
//! `FAMILY:PARAM=VALUE,…` (e.g. `sawtooth:k=3`, `ball:d=3,ramp_milli=250`).

use super::FileSpec;
use crate::family::TargetId;

/// The forms `--target` accepts, for error messages.
pub const TARGET_FORMS: &str =
    "knots:PATH, samples:PATH, or a built-in member FAMILY:PARAM=VALUE,… (e.g. sawtooth:k=3)";

/// A built-in member from `FAMILY:PARAM=VALUE,…`.
pub fn parse_member(text: &str) -> anyhow::Result<TargetId> {
    let (family, params) = text.split_once(':').unwrap_or((text, ""));
    let mut obj = serde_json::Map::new();
    obj.insert("family".into(), family.into());
    for kv in params.split(',').filter(|s| !s.is_empty()) {
        let (k, v) = kv.split_once('=').ok_or_else(|| anyhow::anyhow!("--target {text}: `{kv}` is not PARAM=VALUE"))?;
        let v: u32 = v.parse().map_err(|_| anyhow::anyhow!("--target {text}: `{v}` is not a whole number ≥ 0"))?;
        obj.insert(k.into(), v.into());
    }
    let id: TargetId = serde_json::from_value(obj.into()).map_err(|e| {
        let names: Vec<String> = crate::family::FAMILIES
            .iter()
            .filter(|f| f.name != "file")
            .map(|f| format!("{}:{}", f.name, f.params.iter().map(|p| format!("{p}=…")).collect::<Vec<_>>().join(",")))
            .collect();
        anyhow::anyhow!("--target {text}: {e}; allowed: {TARGET_FORMS}, with members {}", names.join(", "))
    })?;
    anyhow::ensure!(!matches!(id, TargetId::File { .. }), "--target {text}: allowed: {TARGET_FORMS}");
    id.build()?;
    Ok(id)
}

/// The spec of `--net NET` and `--target TARGET` (at least one given).
pub fn spec(net: Option<&str>, target: Option<&str>) -> anyhow::Result<FileSpec> {
    let mut s = FileSpec { net: net.map(str::to_string), ..FileSpec::default() };
    match target {
        Some(t) => match t.split_once(':') {
            Some(("knots", p)) => s.knots = Some(p.to_string()),
            Some(("samples", p)) => s.samples = Some(p.to_string()),
            _ => s.member = Some(parse_member(t)?),
        },
        None => anyhow::ensure!(net.is_some(), "give --net NET, --target TARGET ({TARGET_FORMS}) or both"),
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn members_parse_from_family_and_parameters_and_bad_ones_list_the_forms() {
        assert_eq!(parse_member("sawtooth:k=3").unwrap(), TargetId::Sawtooth { k: 3 });
        assert_eq!(
            parse_member("ball:d=3,ramp_milli=250").unwrap(),
            TargetId::Ball { d: 3, ramp_milli: 250, radius_uniform: false }
        );
        let e = parse_member("sawtoth:k=3").unwrap_err().to_string();
        assert!(e.contains("sawtooth:k=…") && e.contains("knots:PATH"), "{e}");
        assert!(parse_member("sawtooth:k=-1").is_err());
        assert!(parse_member("sawtooth:k=99").is_err(), "out of range");
        assert_eq!(spec(Some("n.safetensors"), Some("knots:a.txt")).unwrap().knots.as_deref(), Some("a.txt"));
        assert!(spec(None, None).is_err());
    }
}
