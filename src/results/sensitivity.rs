//! The files of `wom sensitivity` (docs/decisions.md): `sensitivity.csv` (one row
//! per assumption), `sensitivity.json` (the same with the design, the metric's
//! distribution and, with `--against`, p_better), and the figures `tornado` and
//! `uncertainty` (PNG and SVG), drawn here with plotters.

use crate::decide::sensitivity::Sensitivity;
use crate::error::{Result, WomError};
use crate::results::files;
use crate::results::inputs::ScenarioInput;
use crate::statistics::Summary;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::FontStyle;
use std::path::Path;
use std::sync::Once;

/// The header of `sensitivity.csv`.
pub const CSV_HEADER: [&str; 12] = [
    "key",
    "low",
    "high",
    "metric_at_low",
    "metric_at_high",
    "swing",
    "s1",
    "s1_ci95_low",
    "s1_ci95_high",
    "st",
    "st_ci95_low",
    "st_ci95_high",
];

/// `sensitivity.json`: the result with what it was made from.
#[derive(serde::Serialize)]
struct SensitivityJson<'a> {
    #[serde(flatten)]
    result: &'a Sensitivity,
    wom_version: &'static str,
    /// Command-line overrides applied to the scenario (and to B), in order.
    overrides: Vec<String>,
    /// The scenario (and B with `--against`): every resolved parameter and its
    /// source.
    inputs: &'a [ScenarioInput],
}

/// Write every file of `result` as the folder `dir` (checked by
/// [`crate::results::run::prepare_output_dir`]), replacing it as a whole
/// ([`crate::results::staging::write_staged`]); `inputs` are the scenario (and B
/// with `--against`), written into `sensitivity.json`.
pub fn write(dir: &Path, result: &Sensitivity, inputs: &[ScenarioInput]) -> Result<()> {
    crate::results::staging::write_staged(dir, |stage| write_into(stage, result, inputs))
}

fn write_into(dir: &Path, result: &Sensitivity, inputs: &[ScenarioInput]) -> Result<()> {
    files::write_file(&dir.join("sensitivity.csv"), &csv(result)?)?;
    let with_inputs = SensitivityJson {
        result,
        wom_version: env!("CARGO_PKG_VERSION"),
        overrides: inputs
            .first()
            .map(|i| i.overrides.clone())
            .unwrap_or_default(),
        inputs,
    };
    let json = serde_json::to_string_pretty(&with_inputs).expect("results serialise");
    files::write_file(
        &dir.join("sensitivity.json"),
        format!("{json}\n").as_bytes(),
    )?;
    render(dir, "tornado", |root| tornado(root, result))?;
    render(dir, "uncertainty", |root| uncertainty(root, result))
}

fn csv(result: &Sensitivity) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let err = |e: csv::Error| WomError::Runtime(format!("cannot write sensitivity.csv: {e}"));
    w.write_record(CSV_HEADER).map_err(err)?;
    for k in &result.keys {
        let numbers = [
            k.low,
            k.high,
            k.metric_at_low,
            k.metric_at_high,
            k.swing,
            k.s1,
            k.s1_ci95_low,
            k.s1_ci95_high,
            k.st,
            k.st_ci95_low,
            k.st_ci95_high,
        ];
        let mut record = vec![k.key.clone()];
        record.extend(numbers.iter().map(|v| v.to_string()));
        w.write_record(&record).map_err(err)?;
    }
    w.into_inner()
        .map_err(|e| WomError::Runtime(format!("cannot write sensitivity.csv: {e}")))
}

const FONT: &str = "DejaVu Sans";
const SIZE: (u32, u32) = (1200, 800);
const LOW_COLOUR: RGBColor = RGBColor(0x1f, 0x77, 0xb4);
const HIGH_COLOUR: RGBColor = RGBColor(0xff, 0x7f, 0x0e);
const MARK_COLOUR: RGBColor = RGBColor(0x33, 0x33, 0x33);
const CI_COLOUR: RGBColor = RGBColor(0xd6, 0x27, 0x28);
const ZERO_COLOUR: RGBColor = RGBColor(0x7f, 0x7f, 0x7f);

fn register_fonts() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Registering a family twice (plots.rs registers the same one) is harmless.
        let _ = plotters::style::register_font(FONT, FontStyle::Normal, dejavu::sans::regular());
        let _ = plotters::style::register_font(FONT, FontStyle::Bold, dejavu::sans::bold());
    });
}

fn plot_error(e: impl std::fmt::Display) -> WomError {
    WomError::Runtime(format!("cannot draw the figure: {e}"))
}

/// Render `figure` to `stem.png` and `stem.svg` in `dir`.
fn render(dir: &Path, stem: &str, figure: impl Fn(Figure<'_>) -> Result<()>) -> Result<()> {
    register_fonts();
    let (w, h) = SIZE;
    let mut pixels = vec![0u8; (w * h * 3) as usize];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, SIZE).into_drawing_area();
        figure(Figure::Png(root))?;
    }
    let image = image::RgbImage::from_raw(w, h, pixels).expect("buffer of the right size");
    let mut png = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(
            &mut std::io::Cursor::new(&mut png),
            image::ImageOutputFormat::Png,
        )
        .map_err(plot_error)?;
    files::write_file(&dir.join(format!("{stem}.png")), &png)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, SIZE).into_drawing_area();
        figure(Figure::Svg(root))?;
    }
    let svg = crate::results::plots::xml_safe(&svg);
    files::write_file(&dir.join(format!("{stem}.svg")), svg.as_bytes())
}

/// A figure's root area in one of the two formats.
enum Figure<'a> {
    Png(DrawingArea<BitMapBackend<'a>, Shift>),
    Svg(DrawingArea<SVGBackend<'a>, Shift>),
}

fn tornado(figure: Figure<'_>, r: &Sensitivity) -> Result<()> {
    match figure {
        Figure::Png(root) => draw_tornado(root, r),
        Figure::Svg(root) => draw_tornado(root, r),
    }
}

fn uncertainty(figure: Figure<'_>, r: &Sensitivity) -> Result<()> {
    match figure {
        Figure::Png(root) => draw_uncertainty(root, r),
        Figure::Svg(root) => draw_uncertainty(root, r),
    }
}

/// Numbers for axes and labels: thousands separators above 1,000, otherwise up to
/// three significant decimals.
fn number(v: f64) -> String {
    let a = v.abs();
    if a >= 1000.0 || (a >= 10.0 && v.fract() == 0.0) {
        let whole = format!("{:.0}", a);
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        format!("{}{out}", if v < 0.0 { "−" } else { "" })
    } else if a >= 10.0 {
        format!("{v:.1}")
    } else if a == 0.0 {
        "0".to_string()
    } else if a >= 0.1 {
        format!("{v:.3}")
    } else {
        format!("{v:.4}")
    }
}

/// The metric's name with its unit, for axes.
fn metric_label(r: &Sensitivity) -> String {
    match r.metric.name() {
        "conversions" => "conversions (new customers)".to_string(),
        "roi" => "ROI ((value − cost) / cost)".to_string(),
        _ => r.metric_name(),
    }
}

/// Legend rows under the plot: (colour, filled box or line, text).
fn legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    rows: &[(RGBColor, bool, String)],
) -> Result<()> {
    let style = TextStyle::from((FONT, 18).into_font()).color(&BLACK);
    for (i, (colour, filled, text)) in rows.iter().enumerate() {
        let y = 12 + 26 * i as i32;
        let x = 80;
        if *filled {
            area.draw(&Rectangle::new(
                [(x, y), (x + 30, y + 16)],
                colour.mix(0.85).filled(),
            ))
            .map_err(plot_error)?;
        } else {
            area.draw(&PathElement::new(
                vec![(x, y + 8), (x + 30, y + 8)],
                colour.stroke_width(3),
            ))
            .map_err(plot_error)?;
        }
        area.draw(&Text::new(text.clone(), (x + 42, y - 1), style.clone()))
            .map_err(plot_error)?;
    }
    Ok(())
}

fn draw_tornado<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, r: &Sensitivity) -> Result<()> {
    root.fill(&WHITE).map_err(plot_error)?;
    let legend_rows = vec![
        (
            LOW_COLOUR,
            true,
            "assumption at its 5% quantile (value in brackets, left)".to_string(),
        ),
        (
            HIGH_COLOUR,
            true,
            "assumption at its 95% quantile (value in brackets, right)".to_string(),
        ),
        (
            MARK_COLOUR,
            false,
            format!("scenario at its own values: {}", number(r.base)),
        ),
    ];
    let (plot, strip) = root.split_vertically(SIZE.1 - 26 * legend_rows.len() as u32 - 24);
    // Largest swing on top: plotters' y grows upwards, so the smallest is row 0.
    let mut order: Vec<usize> = (0..r.keys.len()).collect();
    order.sort_by(|&a, &b| r.keys[a].swing.total_cmp(&r.keys[b].swing).then(b.cmp(&a)));
    let unit = crate::scenario::money_unit(r.currency.as_deref());
    let labels: Vec<String> = order
        .iter()
        .map(|&i| {
            let k = &r.keys[i];
            format!(
                "{} [{} – {}]",
                crate::scenario::field_label(&k.key, unit),
                number(k.low),
                number(k.high)
            )
        })
        .collect();
    let values = r
        .keys
        .iter()
        .flat_map(|k| [k.metric_at_low, k.metric_at_high])
        .chain([r.base]);
    let (lo, hi) = values.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), v| {
        (a.min(v), b.max(v))
    });
    let pad = ((hi - lo) * 0.08).max(hi.abs().max(1.0) * 1e-3);
    let rows = r.keys.len();
    let title = format!(
        "Tornado: one assumption at a time at its 5% / 95% quantile ({} replicates each)",
        r.replicates
    );
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, (FONT, 20).into_font())
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(380)
        .build_cartesian_2d((lo - pad)..(hi + pad), -0.5..(rows as f64 - 0.5))
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_y_mesh()
        .y_labels(rows.max(1) * 2 + 1)
        .y_label_formatter(&|y: &f64| {
            let i = y.round();
            if (y - i).abs() < 1e-6 && i >= 0.0 && (i as usize) < labels.len() {
                labels[i as usize].clone()
            } else {
                String::new()
            }
        })
        .x_label_formatter(&|x: &f64| number(*x))
        .x_desc(format!("mean {} of {}", metric_label(r), r.scenario))
        .y_desc("assumption [5% – 95% quantile]")
        .label_style((FONT, 16).into_font())
        .axis_desc_style((FONT, 18).into_font())
        .draw()
        .map_err(plot_error)?;
    for (row, &i) in order.iter().enumerate() {
        let k = &r.keys[i];
        let y = row as f64;
        for (value, colour) in [
            (k.metric_at_low, LOW_COLOUR),
            (k.metric_at_high, HIGH_COLOUR),
        ] {
            let (a, b) = if value < r.base {
                (value, r.base)
            } else {
                (r.base, value)
            };
            chart
                .draw_series(std::iter::once(Rectangle::new(
                    [(a, y - 0.3), (b, y + 0.3)],
                    colour.mix(0.85).filled(),
                )))
                .map_err(plot_error)?;
        }
    }
    chart
        .draw_series(std::iter::once(PathElement::new(
            vec![(r.base, -0.5), (r.base, rows as f64 - 0.5)],
            MARK_COLOUR.stroke_width(2),
        )))
        .map_err(plot_error)?;
    legend(&strip, &legend_rows)?;
    root.present().map_err(plot_error)
}

fn draw_uncertainty<DB: DrawingBackend>(
    root: DrawingArea<DB, Shift>,
    r: &Sensitivity,
) -> Result<()> {
    root.fill(&WHITE).map_err(plot_error)?;
    let (values, summary, what): (&[f64], Summary, String) = match &r.against {
        Some(_) => (
            &r.sample_differences,
            r.against.as_ref().expect("matched").difference,
            format!("difference in mean {} per sample, A − B", metric_label(r)),
        ),
        None => (
            &r.sample_means,
            r.distribution,
            format!("mean {} per sample", metric_label(r)),
        ),
    };
    let mut legend_rows = vec![(
        LOW_COLOUR,
        true,
        format!(
            "samples (of {}) whose mean over {} replicates falls in the bin, every assumption drawn",
            values.len(),
            r.replicates
        ),
    )];
    if let Some(a) = &r.against {
        let wins = values.iter().filter(|&&d| d > 0.0).count();
        legend_rows.push((
            ZERO_COLOUR,
            false,
            "0: A and B tie; right of it A wins".to_string(),
        ));
        legend_rows.push((WHITE, false, format!("A = {}", r.scenario)));
        legend_rows.push((WHITE, false, format!("B = {}", a.scenario)));
        legend_rows.push((
            WHITE,
            false,
            format!(
                "A wins on average in {wins} of {} samples ({:.1}%); p_better over paired replicates {:.3}",
                values.len(),
                100.0 * wins as f64 / values.len().max(1) as f64,
                a.p_better
            ),
        ));
    }
    legend_rows.push((
        MARK_COLOUR,
        false,
        format!("mean over the samples: {}", number(summary.mean)),
    ));
    legend_rows.push((
        CI_COLOUR,
        false,
        format!(
            "95% CI of that mean: {} to {}",
            number(summary.ci95_low),
            number(summary.ci95_high)
        ),
    ));
    let (plot, strip) = root.split_vertically(SIZE.1 - 26 * legend_rows.len() as u32 - 24);
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let (lo, hi) = if r.against.is_some() {
        (lo.min(0.0), hi.max(0.0))
    } else {
        (lo, hi)
    };
    let bins = ((values.len() as f64).sqrt().ceil() as usize).clamp(5, 40);
    let mut width = if hi > lo {
        (hi - lo) / bins as f64
    } else {
        1.0
    };
    // With --against, 0 is a bin edge, so no bin mixes wins and losses.
    let (lo, bins) = if r.against.is_some() && hi > lo {
        width = (hi - lo) / (bins - 1) as f64;
        let below = (-lo / width).ceil();
        (-below * width, bins)
    } else {
        (lo, bins)
    };
    let mut counts = vec![0u32; bins];
    for &v in values {
        let b = (((v - lo) / width) as usize).min(bins - 1);
        counts[b] += 1;
    }
    let top = f64::from(counts.iter().copied().max().unwrap_or(1)) * 1.1;
    let title = format!(
        "Uncertainty: {} when every assumption varies ({} samples)",
        match r.against {
            Some(_) => "the difference",
            None => "the metric",
        },
        values.len()
    );
    let mut chart = ChartBuilder::on(&plot)
        .caption(title, (FONT, 22).into_font())
        .margin(16)
        .x_label_area_size(50)
        .y_label_area_size(70)
        .build_cartesian_2d((lo - width)..(hi + width), 0.0..top)
        .map_err(plot_error)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_label_formatter(&|x: &f64| number(*x))
        .y_label_formatter(&|y: &f64| format!("{y:.0}"))
        .x_desc(what)
        .y_desc("samples")
        .label_style((FONT, 16).into_font())
        .axis_desc_style((FONT, 18).into_font())
        .draw()
        .map_err(plot_error)?;
    chart
        .draw_series(counts.iter().enumerate().map(|(i, &c)| {
            let x0 = lo + width * i as f64;
            Rectangle::new(
                [(x0, 0.0), (x0 + width, f64::from(c))],
                LOW_COLOUR.mix(0.75).filled(),
            )
        }))
        .map_err(plot_error)?;
    if r.against.is_some() {
        chart
            .draw_series(DashedLineSeries::new(
                [(0.0, 0.0), (0.0, top)],
                8,
                6,
                ZERO_COLOUR.stroke_width(2),
            ))
            .map_err(plot_error)?;
    }
    for (x, colour, w) in [
        (summary.mean, MARK_COLOUR, 3),
        (summary.ci95_low, CI_COLOUR, 2),
        (summary.ci95_high, CI_COLOUR, 2),
    ] {
        chart
            .draw_series(std::iter::once(PathElement::new(
                vec![(x, 0.0), (x, top)],
                colour.stroke_width(w),
            )))
            .map_err(plot_error)?;
    }
    legend(&strip, &legend_rows)?;
    root.present().map_err(plot_error)
}
