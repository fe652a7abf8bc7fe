//! Citations for `index.html`: the methods paragraph's pandoc keys (`[@a; @b]`) rendered author–year,
//! "(Telgarsky 2015; Telgarsky 2016)", each linked to its entry in a reference list built from
//! `references.bib` (authors, year, title, venue).

/// One BibTeX field's value (`name = {…}`), braces and LaTeX escapes removed.
fn field(entry: &str, name: &str) -> Option<String> {
    let start = entry.find(&format!("\n  {name} = {{"))? + name.len() + 7;
    let mut depth = 1;
    let mut end = start;
    for (i, c) in entry[start..].char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            _ => {}
        }
        if depth == 0 {
            end = start + i;
            break;
        }
    }
    let raw = entry[start..end].replace("{\\\"o}", "ö").replace("{\\\"u}", "ü").replace("{\\\"a}", "ä");
    Some(raw.replace(['{', '}', '\\'], "").replace("--", "–"))
}

/// The BibTeX entries of `bib` by key.
fn entries(bib: &str) -> Vec<(String, String)> {
    bib.split("\n@")
        .filter_map(|e| {
            let e = e.trim_start_matches('@');
            let open = e.find('{')?;
            let comma = e.find(',')?;
            Some((e[open + 1..comma].to_string(), format!("\n{}", &e[comma + 1..])))
        })
        .collect()
}

/// "Telgarsky", "Golub and Pereyra", "Cyr et al." from an author list.
fn short_authors(authors: &str) -> String {
    let surname = |a: &str| a.split(',').next().unwrap_or(a).trim().to_string();
    let list: Vec<String> = authors.split(" and ").map(surname).collect();
    match list.len() {
        0 | 1 => list.concat(),
        2 => format!("{} and {}", list[0], list[1]),
        _ => format!("{} et al.", list[0]),
    }
}

/// Replace every `[@a; @b]` in `html` by linked author–year citations; returns the new text and
/// the cited keys in order of first citation.
pub fn author_year(html: &str, bib: &str, cited: &mut Vec<String>) -> String {
    let entries = entries(bib);
    // "Author year" per entry; equal ones get a, b, … in the bibliography's order.
    let plain: Vec<String> = entries
        .iter()
        .map(|(key, e)| {
            let who = field(e, "author").map_or_else(|| key.clone(), |a| short_authors(&a));
            format!("{who} {}", field(e, "year").unwrap_or_default())
        })
        .collect();
    let labels: Vec<String> = plain
        .iter()
        .enumerate()
        .map(|(i, l)| {
            if plain.iter().filter(|o| *o == l).count() < 2 {
                return l.clone();
            }
            let rank = plain[..i].iter().filter(|o| *o == l).count();
            format!("{l}{}", (b'a' + rank as u8) as char)
        })
        .collect();
    let label = |key: &str| {
        let text = entries.iter().position(|(k, _)| k == key).map_or_else(|| key.to_string(), |i| labels[i].clone());
        format!("<a href=\"#ref-{key}\">{text}</a>")
    };
    let mut out = String::new();
    let mut rest = html;
    while let Some(i) = rest.find("[@") {
        let Some(j) = rest[i..].find(']') else { break };
        let keys: Vec<&str> = rest[i + 1..i + j].split(';').map(|k| k.trim().trim_start_matches('@')).collect();
        out += &rest[..i];
        out += &format!("({})", keys.iter().map(|k| label(k)).collect::<Vec<_>>().join("; "));
        for k in keys {
            if !cited.iter().any(|c| c == k) {
                cited.push(k.to_string());
            }
        }
        rest = &rest[i + j + 1..];
    }
    out + rest
}

/// The reference list of `cited` keys (HTML `<ol>`), each with its anchor.
pub fn reference_list(cited: &[String], bib: &str, escape: impl Fn(&str) -> String) -> String {
    let entries = entries(bib);
    let mut s = String::from("<ol class=\"refs\">\n");
    for key in cited {
        let Some((_, e)) = entries.iter().find(|(k, _)| k == key) else { continue };
        let get = |f: &str| field(e, f).unwrap_or_default();
        let venue = ["journal", "booktitle", "howpublished"].iter().map(|f| get(f)).find(|v| !v.is_empty());
        let extra = ["volume", "pages"]
            .iter()
            .filter_map(|f| field(e, f).map(|v| if *f == "pages" { format!("pp. {v}") } else { v }))
            .collect::<Vec<_>>();
        let venue = venue.map_or(String::new(), |v| {
            if extra.is_empty() { format!(" {v}.") } else { format!(" {v}, {}.", extra.join(", ")) }
        });
        s += &format!(
            "<li id=\"ref-{key}\">{} ({}). {}.{}</li>\n",
            escape(&get("author").replace(" and ", "; ")),
            escape(&get("year")),
            escape(&get("title")),
            escape(&venue)
        );
    }
    s + "</ol>\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    const BIB: &str = "% header\n\n@misc{telgarsky2016,\n  author = {Telgarsky, Matus},\n  title = {Benefits},\n  year = {2015}\n}\n\n@misc{telgarsky2015,\n  author = {Telgarsky, Matus},\n  title = {Representation Benefits},\n  year = {2015}\n}\n\n@article{golub1973,\n  author = {Golub, Gene H. and Pereyra, Victor},\n  title = {The Differentiation},\n  journal = {SIAM J.},\n  volume = {10},\n  pages = {413--432},\n  year = {1973}\n}\n\n@inproceedings{paszke2019,\n  author = {Paszke, Adam and K{\\\"o}pf, Andreas and Chintala, Soumith},\n  title = {{PyTorch}},\n  year = {2019}\n}\n";

    #[test]
    fn pandoc_keys_become_linked_author_year_citations_with_a_reference_list() {
        let mut cited = Vec::new();
        let html = author_year("as shown [@telgarsky2015; @golub1973] and [@paszke2019].", BIB, &mut cited);
        assert_eq!(
            html,
            "as shown (<a href=\"#ref-telgarsky2015\">Telgarsky 2015b</a>; <a href=\"#ref-golub1973\">Golub and Pereyra 1973</a>) \
             and (<a href=\"#ref-paszke2019\">Paszke et al. 2019</a>)."
        );
        assert_eq!(cited, ["telgarsky2015", "golub1973", "paszke2019"]);
        let list = reference_list(&cited, BIB, |s| s.to_string());
        assert!(list.contains("<li id=\"ref-golub1973\">Golub, Gene H.; Pereyra, Victor (1973). The Differentiation. SIAM J., 10, pp. 413–432.</li>"), "{list}");
        assert!(list.contains("Köpf") && list.contains("PyTorch."));
        assert!(!list.contains('{') && !list.contains("[@"));
    }
}
