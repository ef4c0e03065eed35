//! Figures and `wom compare`: images that decode, numbers that can be recomputed,
//! paired intervals that are tighter, file names that survive any scenario name,
//! and documented figure commands that still run.

mod common;

use common::{csv_column, succeeds, wom};
use std::path::{Path, PathBuf};

/// Decode a PNG fully and check its size.
fn assert_png(path: &Path) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", path.display());
    let image = image::load_from_memory_with_format(&bytes, image::ImageFormat::Png).unwrap();
    assert_eq!((image.width(), image.height()), (1200, 800));
}

/// Parse an SVG as XML; return its data polylines (those with at least `points`
/// points), coloured polygons, and texts.
fn svg_parts(path: &Path, points: usize) -> (Vec<String>, usize, String) {
    let text = std::fs::read_to_string(path).unwrap();
    let doc =
        roxmltree::Document::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let lines = doc
        .descendants()
        .filter(|n| n.has_tag_name("polyline"))
        .filter(|n| {
            n.attribute("points")
                .is_some_and(|p| p.split_whitespace().count() >= points)
        })
        .map(|n| n.attribute("stroke").unwrap_or_default().to_string())
        .collect();
    let polygons = doc
        .descendants()
        .filter(|n| n.has_tag_name("polygon"))
        .filter(|n| {
            n.attribute("points")
                .is_some_and(|p| p.split_whitespace().count() >= 2 * points)
        })
        .count();
    let texts = doc
        .descendants()
        .filter(|n| n.has_tag_name("text"))
        .filter_map(|n| n.text())
        .collect::<Vec<_>>()
        .join("|");
    (lines, polygons, texts)
}

#[test]
fn run_figures_decode_and_have_one_path_per_series() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    succeeds(&[
        "run",
        "scenarios/micro-advocates.toml",
        "--replicates",
        "40",
        "--out",
        out,
        "-q",
    ]);
    let folder = dir.path().join("micro-advocates");
    for name in ["conversion.png", "histogram.png"] {
        assert_png(&folder.join(name));
    }
    // 30 steps: the two curves are the only lines with 30 points, the band the only
    // polygon with 60.
    let (lines, polygons, texts) = svg_parts(&folder.join("conversion.svg"), 30);
    assert_eq!(lines, ["#1F77B4", "#FF7F0E"]);
    assert_eq!(polygons, 1);
    for legend in [
        "conversions, 5–95% of replicates",
        "conversions, mean",
        "aware, mean (right axis)",
        "500 micro-advocates",
    ] {
        assert!(texts.contains(legend), "{legend} missing from {texts}");
    }
    let (_, _, texts) = svg_parts(&folder.join("histogram.svg"), 30);
    assert!(
        texts.contains("final conversions in 40 replicates"),
        "{texts}"
    );
    assert!(texts.contains("replicates per bin"));
}

#[test]
fn a_single_replicate_has_no_band() {
    let dir = tempfile::tempdir().unwrap();
    succeeds(&[
        "run",
        "tests/fixtures/tiny/path.toml",
        "--replicates",
        "1",
        "--out",
        dir.path().to_str().unwrap(),
    ]);
    let (lines, polygons, _) = svg_parts(&dir.path().join("path/conversion.svg"), 3);
    assert_eq!(lines.len(), 2);
    assert_eq!(polygons, 0);
}

fn mean_ci(v: &[f64]) -> (f64, f64, f64) {
    let n = v.len() as f64;
    let m = v.iter().sum::<f64>() / n;
    let var = v.iter().map(|x| (x - m) * (x - m)).sum::<f64>() / (n - 1.0);
    let half = 1.96 * (var / n).sqrt();
    (m, m - half, m + half)
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * (1.0 + a.abs().max(b.abs()))
}

fn compare_two(dir: &Path, extra: &[&str]) -> (PathBuf, serde_json::Value) {
    let mut args = vec![
        "compare",
        "scenarios/macro-influencer.toml",
        "scenarios/micro-advocates.toml",
        "--replicates",
        "200",
        "--out",
        dir.to_str().unwrap(),
        "-q",
    ];
    args.extend_from_slice(extra);
    let stdout = succeeds(&args);
    assert!(stdout.contains("paired"), "{stdout}");
    let folder = dir.join("compare-macro-influencer-vs-micro-advocates");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(folder.join("comparison.json")).unwrap())
            .unwrap();
    (folder, json)
}

#[test]
fn compare_numbers_equal_those_recomputed_from_replicates_csv() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, json) = compare_two(dir.path(), &[]);
    let csv =
        |stem: &str| std::fs::read_to_string(folder.join(stem).join("replicates.csv")).unwrap();
    let macro_conv = csv_column(&csv("macro-influencer"), "conversions");
    let micro_conv = csv_column(&csv("micro-advocates"), "conversions");
    let scenarios = json["scenarios"].as_array().unwrap();
    for (s, conv) in scenarios.iter().zip([&macro_conv, &micro_conv]) {
        let (m, lo, hi) = mean_ci(conv);
        assert!(close(s["conversions"]["mean"].as_f64().unwrap(), m));
        assert!(close(s["conversions"]["ci95_low"].as_f64().unwrap(), lo));
        assert!(close(s["conversions"]["ci95_high"].as_f64().unwrap(), hi));
        let cost = s["cost"].as_f64().unwrap();
        assert_eq!(cost, 25_000.0);
        assert!(close(
            s["conversions_per_1000"]["mean"].as_f64().unwrap(),
            1000.0 * m / cost
        ));
        assert!(close(
            s["cost_per_conversion"][0].as_f64().unwrap(),
            cost / m
        ));
        let roi: Vec<f64> = conv.iter().map(|c| (40.0 * c - cost) / cost).collect();
        assert!(close(s["roi"]["mean"].as_f64().unwrap(), mean_ci(&roi).0));
    }
    let micro = &scenarios[1];
    assert_eq!(micro["paired_with_first"], true);
    let diffs: Vec<f64> = micro_conv
        .iter()
        .zip(&macro_conv)
        .map(|(b, a)| b - a)
        .collect();
    let (m, lo, hi) = mean_ci(&diffs);
    let d = &micro["versus_first"]["conversions"];
    assert!(close(d["mean"].as_f64().unwrap(), m));
    assert!(close(d["ci95_low"].as_f64().unwrap(), lo));
    assert!(close(d["ci95_high"].as_f64().unwrap(), hi));
    let wins = diffs.iter().filter(|&&x| x > 0.0).count() as f64 / diffs.len() as f64;
    assert!(close(
        micro["versus_first"]["beats_first_share"].as_f64().unwrap(),
        wins
    ));
    // comparison.csv carries the same numbers.
    let table = std::fs::read_to_string(folder.join("comparison.csv")).unwrap();
    let means = csv_column(&table, "conversions_mean");
    assert!(close(means[1], mean_ci(&micro_conv).0));
    assert_png(&folder.join("comparison.png"));
    let (lines, polygons, texts) = svg_parts(&folder.join("comparison.svg"), 30);
    assert_eq!(lines, ["#1F77B4", "#FF7F0E"], "one curve per scenario");
    assert_eq!(polygons, 2, "one band per scenario");
    assert!(texts.contains("1 macro-influencer") && texts.contains("500 micro-advocates"));
}

#[test]
fn pairing_narrows_the_confidence_interval_of_the_difference() {
    // The same two scenarios with `advocates.count` and the influencer differing
    // share graph and consumers: the replicate-by-replicate interval is narrower
    // than one that ignores the pairing.
    let dir = tempfile::tempdir().unwrap();
    let (_, json) = compare_two(dir.path(), &[]);
    let d = &json["scenarios"][1]["versus_first"]["conversions"];
    let paired = d["ci95_high"].as_f64().unwrap() - d["ci95_low"].as_f64().unwrap();
    let unpaired =
        d["unpaired_ci95_high"].as_f64().unwrap() - d["unpaired_ci95_low"].as_f64().unwrap();
    assert!(paired < unpaired, "paired {paired} vs unpaired {unpaired}");
    // A micro-advocate variant that differs only slightly is where pairing pays most.
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy("scenarios/micro-advocates.toml", dir.path().join("a.toml")).unwrap();
    let b = std::fs::read_to_string("scenarios/micro-advocates.toml")
        .unwrap()
        .replace("count = 500 ", "count = 520 ");
    std::fs::write(dir.path().join("b.toml"), b).unwrap();
    let out = dir.path().join("out");
    succeeds(&[
        "compare",
        dir.path().join("a.toml").to_str().unwrap(),
        dir.path().join("b.toml").to_str().unwrap(),
        "--replicates",
        "200",
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let json: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(out.join("compare-a-vs-b/comparison.json")).unwrap(),
    )
    .unwrap();
    let d = &json["scenarios"][1]["versus_first"]["conversions"];
    let paired = d["ci95_high"].as_f64().unwrap() - d["ci95_low"].as_f64().unwrap();
    let unpaired =
        d["unpaired_ci95_high"].as_f64().unwrap() - d["unpaired_ci95_low"].as_f64().unwrap();
    assert!(
        paired < 0.7 * unpaired,
        "paired {paired} vs unpaired {unpaired}"
    );
}

#[test]
fn names_with_spaces_and_accents_give_valid_files() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = dir.path().join("café ads – été.toml");
    std::fs::write(
        &scenario,
        "name = \"Café — 20 advocates, été\"\n[simulation]\nreplicates = 20\nsteps = 5\n[population]\ngenerator = \"complete\"\nnodes = 500\n[advocates]\ncount = 20\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    succeeds(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let folder = out.join("café ads – été");
    assert_png(&folder.join("conversion.png"));
    let (_, _, texts) = svg_parts(&folder.join("conversion.svg"), 5);
    assert!(texts.contains("Café — 20 advocates, été"), "{texts}");
}

#[test]
fn comparing_a_file_with_itself_is_refused() {
    let output = wom()
        .args([
            "compare",
            "scenarios/micro-advocates.toml",
            "./scenarios/micro-advocates.toml",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("given twice"), "{stderr}");
}

#[test]
fn documented_figure_commands_still_produce_their_figures() {
    // Every `<!-- figure command -->` block in the docs is run at reduced replicates
    // into a temporary folder, and the image the docs show must come out of it.
    let mut docs = vec![PathBuf::from("README.md")];
    for entry in std::fs::read_dir("docs").unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "md") {
            docs.push(path);
        }
    }
    let mut checked = 0;
    for doc in docs {
        let text = std::fs::read_to_string(&doc).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("<!-- figure command -->") {
            rest = &rest[at..];
            let command = rest
                .lines()
                .nth(2)
                .expect("a command under the marker")
                .trim();
            let image_at = rest.find("](").expect("an image after the command");
            let image = &rest[image_at + 2..image_at + 2 + rest[image_at + 2..].find(')').unwrap()];
            rest = &rest[image_at..];
            let args: Vec<&str> = command
                .strip_prefix("cargo run --release -- ")
                .unwrap_or_else(|| panic!("{}: `{command}` is not a wom command", doc.display()))
                .split_whitespace()
                .collect();
            let out_at = args
                .iter()
                .position(|a| *a == "--out")
                .expect("--out in the command");
            let figures = args[out_at + 1];
            let dir = tempfile::tempdir().unwrap();
            let mut run: Vec<&str> = args.clone();
            run[out_at + 1] = dir.path().to_str().unwrap();
            // Reduced sizes: an option the command already gives is replaced, not repeated.
            for (option, value) in [
                ("--replicates", "20"),
                ("--samples", "64"),
                ("--particles", "60"),
            ] {
                match run.iter().position(|a| *a == option) {
                    Some(at) => run[at + 1] = value,
                    None if option == "--replicates" => run.extend([option, value]),
                    None => {}
                }
            }
            run.push("-q");
            succeeds(&run);
            // Image paths are relative to the document's folder.
            let committed = doc.parent().unwrap_or(Path::new("")).join(image);
            let produced = dir.path().join(committed.strip_prefix(figures).unwrap());
            assert_png(&produced);
            assert!(
                committed.exists(),
                "{} is not committed",
                committed.display()
            );
            checked += 1;
        }
    }
    // The README's comparison and the seven validation figures.
    assert!(checked >= 8, "{checked} figure commands");
}

/// One `<text>` of an SVG: its anchor point, font size, anchor and content.
struct SvgText {
    x: f64,
    y: f64,
    size: f64,
    anchor: String,
    rotated: bool,
    text: String,
}

fn svg_texts(svg: &str) -> Vec<SvgText> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("text"))
        .map(|n| {
            let num = |a: &str| n.attribute(a).unwrap_or("0").parse::<f64>().unwrap();
            SvgText {
                x: num("x"),
                y: num("y"),
                size: num("font-size"),
                anchor: n.attribute("text-anchor").unwrap_or("start").to_string(),
                rotated: n.attribute("transform").is_some(),
                text: n.text().unwrap_or_default().trim().to_string(),
            }
        })
        .collect()
}

/// The horizontal extent of a text, estimated at 0.55 em per character (DejaVu
/// Sans averages about 0.5).
fn text_extent(t: &SvgText) -> (f64, f64) {
    let w = t.text.chars().count() as f64 * 0.55 * t.size;
    match t.anchor.as_str() {
        "middle" => (t.x - w / 2.0, t.x + w / 2.0),
        "end" => (t.x - w, t.x),
        _ => (t.x, t.x + w),
    }
}

/// Points of every polyline and polygon with at least `min` points (the data).
fn data_points(svg: &str, min: usize) -> Vec<(f64, f64)> {
    let doc = roxmltree::Document::parse(svg).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("polyline") || n.has_tag_name("polygon"))
        .filter_map(|n| n.attribute("points"))
        .filter(|p| p.split_whitespace().count() >= min)
        .flat_map(|p| {
            p.split_whitespace()
                .map(|xy| {
                    let (x, y) = xy.split_once(',').unwrap();
                    (x.parse().unwrap(), y.parse().unwrap())
                })
                .collect::<Vec<(f64, f64)>>()
        })
        .collect()
}

/// What every figure must satisfy: no NaN, every horizontal text inside the image,
/// each `legend` label present, below the x axis's description `x_axis` (so outside
/// the plotting area) and below every point of the lines and polygons with at least
/// `min_points` points (none checked for 0).
fn assert_readable(path: &Path, legend: &[&str], x_axis: &str, min_points: usize) {
    let svg = std::fs::read_to_string(path).unwrap();
    assert!(
        !svg.contains("NaN"),
        "{}: NaN in coordinates",
        path.display()
    );
    let texts = svg_texts(&svg);
    for t in texts.iter().filter(|t| !t.rotated) {
        let (a, b) = text_extent(t);
        assert!(
            a >= -1.0 && b <= 1201.0,
            "{}: \"{}\" spans {a:.0} to {b:.0}, outside the image",
            path.display(),
            t.text
        );
    }
    let axis = texts
        .iter()
        .filter(|t| t.text.contains(x_axis))
        .map(|t| t.y)
        .fold(f64::NAN, f64::max);
    assert!(axis.is_finite(), "{}: no axis \"{x_axis}\"", path.display());
    let bottom = if min_points == 0 {
        axis
    } else {
        let points = data_points(&svg, min_points);
        assert!(!points.is_empty(), "{}: no data", path.display());
        points.iter().map(|p| p.1).fold(axis, f64::max)
    };
    for label in legend {
        // The lowest text holding the label: a title may name it too.
        let t = texts
            .iter()
            .filter(|t| t.text.contains(label))
            .max_by(|a, b| a.y.total_cmp(&b.y))
            .unwrap_or_else(|| panic!("{}: no legend entry \"{label}\"", path.display()));
        assert!(
            t.y > bottom,
            "{}: legend \"{}\" at y {} is not below the data (lowest at {bottom})",
            path.display(),
            t.text,
            t.y
        );
    }
}

/// Rows of the PNG where column `x` has pixels of `colour`.
fn rows_of_colour(image: &image::RgbImage, x: u32, colour: [u8; 3]) -> Vec<u32> {
    (0..image.height())
        .filter(|&y| image.get_pixel(x, y).0 == colour)
        .collect()
}

#[test]
fn conversion_figure_legend_below_the_data_and_no_dip_at_the_last_step() {
    let dir = tempfile::tempdir().unwrap();
    succeeds(&[
        "run",
        "scenarios/micro-advocates.toml",
        "--replicates",
        "40",
        "--out",
        dir.path().to_str().unwrap(),
        "-q",
    ]);
    let folder = dir.path().join("micro-advocates");
    assert_readable(
        &folder.join("conversion.svg"),
        &["5–95% of replicates", "conversions, mean", "aware, mean"],
        "time step",
        30,
    );
    assert_readable(
        &folder.join("histogram.svg"),
        &["replicates per bin"],
        "final conversions (consumers)",
        0,
    );
    // The mean curve is flat over its last steps: its pixels in the PNG are the same
    // rows at the last step as a few steps earlier.
    let svg = std::fs::read_to_string(folder.join("conversion.svg")).unwrap();
    let doc = roxmltree::Document::parse(&svg).unwrap();
    let line = doc
        .descendants()
        .find(|n| n.has_tag_name("polyline") && n.attribute("stroke") == Some("#1F77B4"))
        .unwrap();
    let points: Vec<(u32, u32)> = line
        .attribute("points")
        .unwrap()
        .split_whitespace()
        .map(|xy| {
            let (x, y) = xy.split_once(',').unwrap();
            (x.parse().unwrap(), y.parse().unwrap())
        })
        .collect();
    let (last_x, last_y) = points[points.len() - 1];
    let (before_x, before_y) = points[points.len() - 4];
    assert_eq!(last_y, before_y, "the data are flat at the end");
    let png = image::open(folder.join("conversion.png"))
        .unwrap()
        .to_rgb8();
    let blue = [0x1F, 0x77, 0xB4];
    let end = rows_of_colour(&png, last_x - 1, blue);
    let earlier = rows_of_colour(&png, before_x + 2, blue);
    assert!(!end.is_empty());
    assert_eq!(end, earlier, "the line's end is drawn at another height");
}

#[test]
fn histogram_marks_the_mean_and_its_confidence_interval() {
    use wom::results::aggregate::Bin;
    let dir = tempfile::tempdir().unwrap();
    let bins: Vec<Bin> = (0..20i32)
        .map(|i| Bin {
            low: 100.0 + f64::from(i),
            high: 101.0 + f64::from(i),
            count: 10 - (i - 10).unsigned_abs().min(9),
        })
        .collect();
    let ci = wom::results::plots::exact_mean_ci(&bins).unwrap();
    assert!(ci.ci95_low < ci.mean && ci.mean < ci.ci95_high);
    wom::results::plots::histogram(dir.path(), "synthetic", &bins, 100).unwrap();
    assert_png(&dir.path().join("histogram.png"));
    assert_readable(
        &dir.path().join("histogram.svg"),
        &["replicates per bin", "mean: ", "95% CI of the mean"],
        "final conversions (consumers)",
        0,
    );
}

#[test]
fn comparison_figure_dot_and_whisker_with_named_rows_and_money_units() {
    let dir = tempfile::tempdir().unwrap();
    let (folder, _) = compare_two(dir.path(), &[]);
    let path = folder.join("comparison.svg");
    assert_readable(
        &path,
        &[
            "1 macro-influencer",
            "500 micro-advocates",
            "5–95% of replicates",
            "95% CI of the mean",
        ],
        "conversions per 1,000 USD spent",
        30,
    );
    let svg = std::fs::read_to_string(&path).unwrap();
    let texts = svg_texts(&svg);
    assert!(
        texts
            .iter()
            .any(|t| t.text == "conversions per 1,000 USD spent"),
        "the cost axis carries the scenarios' currency"
    );
    // The scenario names label the rows of the right panel, top to bottom in order.
    let rows: Vec<&SvgText> = texts
        .iter()
        .filter(|t| t.anchor == "end" && t.x > 600.0)
        .filter(|t| t.text.contains("macro-influencer") || t.text.contains("micro-advocates"))
        .collect();
    assert_eq!(rows.len(), 2, "one tick label per scenario");
    assert!(rows[0].text.contains("macro") && rows[0].y < rows[1].y);
}

#[test]
fn a_long_title_fits_inside_the_image() {
    let dir = tempfile::tempdir().unwrap();
    let long = "A scenario whose name goes on and on, naming every creator tier, every \
                referral programme and every budget split one could think of in one title";
    let scenario = dir.path().join("long.toml");
    std::fs::write(
        &scenario,
        format!("name = \"{long}\"\n[simulation]\nreplicates = 5\nsteps = 5\n[population]\ngenerator = \"complete\"\nnodes = 500\n[advocates]\ncount = 20\n"),
    )
    .unwrap();
    let out = dir.path().join("out");
    succeeds(&[
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "-q",
    ]);
    let folder = std::fs::read_dir(&out)
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    assert_readable(
        &folder.join("conversion.svg"),
        &["conversions, mean"],
        "time step",
        5,
    );
    assert_readable(
        &folder.join("histogram.svg"),
        &["replicates per bin"],
        "final conversions",
        0,
    );
}

#[test]
fn validation_figures_have_categories_panels_and_distinct_markers() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    for name in ["miller-trust", "er-percolation"] {
        succeeds(&[
            "reproduce",
            name,
            "--replicates",
            "20",
            "--nodes",
            "2000",
            "--out",
            out,
            "--force",
        ]);
    }
    let miller = dir.path().join("validation/miller-trust/validation.svg");
    assert_readable(
        &miller,
        &["theory: ", "wom: ", "95% CI of the mean"],
        "trust_mode",
        0,
    );
    let svg = std::fs::read_to_string(&miller).unwrap();
    let texts = svg_texts(&svg);
    for category in ["exposure", "consumer"] {
        assert!(
            texts.iter().any(|t| t.text.starts_with(category)),
            "the {category} category is labelled"
        );
    }
    // Theory as marks per category, not a line between them: no theory line spans
    // the two categories.
    assert!(data_points(&svg, 3).is_empty(), "theory drawn as a line");
    let er = dir.path().join("validation/er-percolation/validation.svg");
    assert_readable(
        &er,
        &["subcritical", "95% CI of the mean"],
        "transmissibility T",
        30,
    );
    let svg = std::fs::read_to_string(&er).unwrap();
    assert!(svg_texts(&svg)
        .iter()
        .any(|t| t.text.contains("mean outbreak from one seed (consumers)")));
}
