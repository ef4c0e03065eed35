//! An SVG file made inline: the root element scales to the page width (its
//! `width`/`height` become a `viewBox` and `width="100%"`), carries `role="img"`
//! and a `<title>` for screen readers, and the file is refused when it holds
//! anything active or external (scripts, event handlers, links, embedded HTML or
//! images), which wom's figures never do.

/// `text` (an SVG document) as inline markup with the id `id` and the title
/// `title` (escaped here); the reason when it cannot be inlined.
pub fn inline(text: &str, id: &str, title: &str) -> Result<String, String> {
    let start = text
        .find("<svg")
        .ok_or_else(|| "it has no <svg> element".to_string())?;
    let body = &text[start..];
    check(body)?;
    let tag_end = body
        .find('>')
        .ok_or_else(|| "its <svg> tag is not closed".to_string())?;
    let tag = &body[4..tag_end];
    let self_closing = tag.ends_with('/');
    let tag = tag.trim_end_matches('/');
    let attributes = attributes(tag);
    let get = |name: &str| {
        attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    };
    let number =
        |name: &str| get(name).and_then(|v| v.trim_end_matches("px").trim().parse::<f64>().ok());
    let view_box = match (get("viewBox"), number("width"), number("height")) {
        (Some(v), _, _) => v,
        (None, Some(w), Some(h)) => format!("0 0 {w} {h}"),
        _ => return Err("it has neither a viewBox nor a numeric width and height".into()),
    };
    let mut out = format!(
        "<svg viewBox=\"{}\" width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title\" preserveAspectRatio=\"xMidYMid meet\"",
        escape(&view_box)
    );
    for (k, v) in &attributes {
        if !matches!(
            k.as_str(),
            "width" | "height" | "viewBox" | "role" | "aria-labelledby"
        ) {
            out.push_str(&format!(" {k}=\"{}\"", escape(v)));
        }
    }
    out.push('>');
    out.push_str(&format!(
        "<title id=\"{id}-title\">{}</title>",
        escape(title)
    ));
    if self_closing {
        out.push_str("</svg>");
    } else {
        out.push_str(&body[tag_end + 1..]);
    }
    Ok(out)
}

/// `name="value"` pairs of a start tag (after its name).
fn attributes(tag: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = tag.trim();
    while let Some(eq) = rest.find('=') {
        let name = rest[..eq].trim().to_string();
        let after = rest[eq + 1..].trim_start();
        let Some(quote) = after.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            break;
        };
        let Some(close) = after[1..].find(quote) else {
            break;
        };
        out.push((name, unescape(&after[1..1 + close])));
        rest = after[close + 2..].trim_start();
    }
    out
}

fn unescape(v: &str) -> String {
    v.replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

fn escape(v: &str) -> String {
    v.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Refuse markup that could run code or load anything: every start tag is read,
/// and element names and attributes are checked.
fn check(body: &str) -> Result<(), String> {
    const ELEMENTS: [&str; 8] = [
        "script",
        "foreignobject",
        "image",
        "use",
        "iframe",
        "object",
        "embed",
        "style",
    ];
    if body.contains("<!") || body.contains("<?") {
        return Err("it holds a declaration or processing instruction inside".into());
    }
    for tag in body.split('<').skip(1) {
        let tag = tag.split('>').next().unwrap_or("");
        let lower = tag.to_ascii_lowercase();
        let name: String = lower
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == ':' || *c == '-')
            .collect();
        if ELEMENTS.contains(&name.as_str()) {
            return Err(format!("it holds a <{name}> element"));
        }
        for (key, value) in attributes(tag.get(name.len()..).unwrap_or("")) {
            let key = key.to_ascii_lowercase();
            let value = value.to_ascii_lowercase();
            if key.starts_with("on") || key.ends_with("href") || key == "src" {
                return Err(format!("it holds a `{key}` attribute"));
            }
            if value.contains("url(") && !value.contains("url(#") || value.contains("javascript:") {
                return Err(format!("its `{key}` attribute refers outside the figure"));
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_root_scales_and_is_titled() {
        let svg = r#"<svg width="1200" height="800" xmlns="http://www.w3.org/2000/svg"><rect x="0"/></svg>"#;
        let out = inline(svg, "f", "A <b> & c").unwrap();
        assert!(out.starts_with(
            r#"<svg viewBox="0 0 1200 800" width="100%" role="img" aria-labelledby="f-title""#
        ));
        assert!(out.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
        assert!(
            out.contains(r#"<title id="f-title">A &lt;b&gt; &amp; c</title><rect x="0"/></svg>"#)
        );
        assert!(!out.contains("height="));
    }

    #[test]
    fn active_or_external_content_is_refused() {
        for bad in [
            r#"<svg width="1" height="1"><script>alert(1)</script></svg>"#,
            r#"<svg width="1" height="1"><rect onload="alert(1)"/></svg>"#,
            r#"<svg width="1" height="1"><image href="http://x/y.png"/></svg>"#,
            r#"<svg width="1" height="1"><a xlink:href="http://x">x</a></svg>"#,
            r#"<svg width="1" height="1"><rect fill="url(http://x/#a)"/></svg>"#,
            r#"<svg width="1" height="1"><foreignObject><div/></foreignObject></svg>"#,
            r#"<svg width="1" height="1"><!DOCTYPE x></svg>"#,
        ] {
            assert!(inline(bad, "f", "t").is_err(), "{bad}");
        }
        let fine = r#"<svg width="1" height="1"><text>on=1 &lt;script&gt;</text><rect fill="url(#g)"/></svg>"#;
        assert!(inline(fine, "f", "t").is_ok());
    }
}
