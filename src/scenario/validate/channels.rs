//! The campaign's channels: creators (`[influencer]` / `[[influencer]]`), advocate
//! programmes (`[advocates]` / `[[advocates]]`), the market they recruit from and
//! the engagement law of `reach = "by_audience"`.

use super::super::raw::*;
use super::super::*;
use super::{defaults, Checker, MAX_NODES};

/// `[market]`.
pub(super) fn market(c: &mut Checker<'_>, raw: RawMarket) -> Market {
    Market {
        customers: c.probability("market.customers", raw.customers, defaults::CUSTOMERS),
    }
}

/// `[economics]`: the margin of a conversion and the currency of all money.
pub(super) fn economics(c: &mut Checker<'_>, raw: RawEconomics) -> Economics {
    Economics {
        value_per_conversion: c.money("economics.value_per_conversion", raw.value_per_conversion),
        currency: raw.currency.and_then(|text| currency(c, text)),
    }
}

/// A currency label: 1 to [`CURRENCY_MAX_CHARS`] characters, none a control
/// character, no space at either end (it is printed after amounts and inside
/// labels such as "cost (EUR)").
fn currency(c: &mut Checker<'_>, text: String) -> Option<String> {
    let chars = text.chars().count();
    let problem = if chars == 0 {
        Some("is empty")
    } else if chars > CURRENCY_MAX_CHARS {
        Some("is too long")
    } else if text.chars().any(char::is_control) {
        Some("has a control character")
    } else if text.trim() != text {
        Some("starts or ends with a space")
    } else {
        None
    };
    match problem {
        None => Some(text),
        Some(why) => {
            c.error_help(
                "economics.currency",
                format!(
                    "{why} (\"{}\"); allowed: a label of 1 to {CURRENCY_MAX_CHARS} characters, \
                     no control characters, no space at either end, e.g. \"USD\", \"EUR\" or \"€\"",
                    crate::error::echo(&text)
                ),
                "leave `currency` out to show money in \"units\"".into(),
            );
            None
        }
    }
}

/// `[engagement]`: the given bands, or the default table.
pub(super) fn engagement(c: &mut Checker<'_>, raw: Option<RawEngagement>) -> Engagement {
    let default = || Engagement {
        bands: defaults::ENGAGEMENT.to_vec(),
    };
    let Some(rows) = raw.and_then(|r| r.bands) else {
        return default();
    };
    let field = "engagement.bands";
    let errors = c.errors.len();
    if rows.is_empty() {
        c.error(field, "is empty; allowed: [[followers, reach], ...] rows, e.g. [[10_000, 0.04], [inf, 0.017]]".into());
    }
    let mut bands = Vec::with_capacity(rows.len());
    for (i, row) in rows.iter().enumerate() {
        match row.as_slice() {
            &[bound, reach] => {
                if bound.is_nan() || bound <= 0.0 {
                    c.error(
                        field,
                        format!(
                            "row {i} has bound {bound}; allowed: a follower count above 0 (or inf)"
                        ),
                    );
                }
                if !(0.0..=1.0).contains(&reach) {
                    c.error(field, format!("row {i} has reach {reach}; allowed: 0 to 1"));
                }
                if let Some(&(previous, _)) = bands.last() {
                    if bound <= previous {
                        c.error(field, format!("row {i} has bound {bound}, not above the previous {previous}; allowed: increasing bounds"));
                    }
                }
                bands.push((bound, reach));
            }
            _ => c.error(
                field,
                format!(
                    "row {i} has {} numbers; allowed: two, [followers, reach]",
                    row.len()
                ),
            ),
        }
    }
    if c.errors.len() > errors {
        return default();
    }
    Engagement { bands }
}

/// A count (checked against `limit` when known) or a share.
fn amount(
    c: &mut Checker<'_>,
    section: &str,
    (count_key, count): (&str, Option<i64>),
    (share_key, share): (&str, Option<f64>),
    limit: Option<(u64, &str)>,
) -> Option<Amount> {
    let count_field = format!("{section}.{count_key}");
    let share_field = format!("{section}.{share_key}");
    match (count, share) {
        (Some(_), Some(_)) => {
            c.error(
                &share_field,
                format!("is given together with `{count_key}`; allowed: exactly one of them"),
            );
            None
        }
        (None, None) => {
            c.error_help(
                section,
                format!("has neither `{count_key}` nor `{share_key}`"),
                format!("add `{count_key}` (a number of consumers) or `{share_key}` (a fraction of the population)"),
            );
            None
        }
        (Some(n), None) => {
            let n = c.integer_in(&count_field, n, 0, MAX_NODES)?;
            if let Some((limit, what)) = limit {
                if n > limit {
                    c.error_help(
                        &count_field,
                        format!("is {n} but {what} {limit} consumers"),
                        format!("lower it or use `{share_key}`"),
                    );
                    return None;
                }
            }
            Some(Amount::Count(n))
        }
        (None, Some(s)) => Some(Amount::Share(c.probability(&share_field, Some(s), 0.0))),
    }
}

/// A channel's name: the one given (not empty), else the section's own name when
/// it is the only channel of its kind; required when there are several.
fn name(
    c: &mut Checker<'_>,
    section: &str,
    given: Option<String>,
    kind: &str,
    several: bool,
) -> String {
    match given {
        Some(n) if !n.trim().is_empty() => n,
        Some(_) => {
            c.error(
                &format!("{section}.name"),
                "is empty; allowed: a name that is not empty".into(),
            );
            kind.to_string()
        }
        None if several => {
            c.error_help(
                section,
                format!("has no `name`; it is required when there are several [[{kind}]] tables"),
                "add name = \"...\" (unique in the scenario)".into(),
            );
            section.to_string()
        }
        None => kind.to_string(),
    }
}

/// Every `[influencer]` / `[[influencer]]` table.
pub(super) fn influencers(
    c: &mut Checker<'_>,
    raws: Vec<(String, RawInfluencer)>,
    steps: u32,
    nodes: Option<u64>,
) -> Vec<(String, Influencer)> {
    let several = raws.len() > 1;
    raws.into_iter()
        .filter_map(|(section, raw)| {
            influencer(c, &section, raw, steps, nodes, several).map(|i| (section, i))
        })
        .collect()
}

fn influencer(
    c: &mut Checker<'_>,
    section: &str,
    raw: RawInfluencer,
    steps: u32,
    nodes: Option<u64>,
    several: bool,
) -> Option<Influencer> {
    let name = name(c, section, raw.name, "influencer", several);
    let followers = amount(
        c,
        section,
        ("followers", raw.followers),
        ("follower_share", raw.follower_share),
        nodes.map(|n| (n, "the population has")),
    );
    let follower_choice = match c
        .choice(
            &format!("{section}.follower_choice"),
            raw.follower_choice,
            defaults::FOLLOWER_CHOICE,
            &["random", "by_degree", "niche"],
        )
        .as_str()
    {
        "by_degree" => FollowerChoice::ByDegree,
        "niche" => FollowerChoice::Niche,
        _ => FollowerChoice::Random,
    };
    // Every field is checked before a refused audience ends the table's resolution.
    let reach_field = format!("{section}.reach");
    let reach = match raw.reach {
        None => Reach::Fixed(defaults::INFLUENCER_REACH),
        Some(toml::Value::String(s)) if s == "by_audience" => Reach::ByAudience,
        Some(toml::Value::Float(v)) => {
            Reach::Fixed(c.probability(&reach_field, Some(v), defaults::INFLUENCER_REACH))
        }
        Some(toml::Value::Integer(v)) => {
            Reach::Fixed(c.probability(&reach_field, Some(v as f64), defaults::INFLUENCER_REACH))
        }
        Some(other) => {
            c.error(
                &reach_field,
                format!(
                    "is {}; allowed: a number from 0 to 1, or \"by_audience\"",
                    crate::error::echo(&other.to_string())
                ),
            );
            Reach::Fixed(defaults::INFLUENCER_REACH)
        }
    };
    let trust = c.probability(
        &format!("{section}.trust"),
        raw.trust,
        defaults::INFLUENCER_TRUST,
    );
    let posts = c.posts(&format!("{section}.posts"), raw.posts, steps);
    let fee = c.money(&format!("{section}.fee"), raw.fee);
    let fatigue = c.probability(
        &format!("{section}.fatigue"),
        raw.fatigue,
        defaults::FATIGUE,
    );
    Some(Influencer {
        name,
        followers: followers?,
        follower_choice,
        reach,
        trust,
        posts,
        fee,
        fatigue,
    })
}

/// Every `[advocates]` / `[[advocates]]` table.
pub(super) fn programmes(
    c: &mut Checker<'_>,
    raws: Vec<(String, RawAdvocates)>,
    steps: u32,
    nodes: Option<u64>,
    market: Market,
    base_dir: &Path,
) -> Vec<(String, Advocates)> {
    let several = raws.len() > 1;
    raws.into_iter()
        .filter_map(|(section, raw)| {
            programme(c, &section, raw, steps, nodes, market, base_dir, several)
                .map(|p| (section, p))
        })
        .collect()
}

#[allow(clippy::too_many_arguments)]
fn programme(
    c: &mut Checker<'_>,
    section: &str,
    raw: RawAdvocates,
    steps: u32,
    nodes: Option<u64>,
    market: Market,
    base_dir: &Path,
    several: bool,
) -> Option<Advocates> {
    let field = |key: &str| format!("{section}.{key}");
    let name = name(c, section, raw.name, "advocates", several);
    let choose = c.choice(
        &field("choose"),
        raw.choose,
        defaults::CHOOSE,
        &[
            "random",
            "top_degree",
            "degree_band",
            "spread",
            "influence",
            "file",
        ],
    );
    let why = format!("to choose = \"{choose}\"");
    if choose != "influence" {
        c.reject(
            &field("epsilon"),
            raw.epsilon.is_some(),
            &format!("{why}; it belongs to choose = \"influence\""),
        );
    }
    if choose != "degree_band" {
        let belongs = format!("{why}; it belongs to choose = \"degree_band\"");
        c.reject(&field("min_degree"), raw.min_degree.is_some(), &belongs);
        c.reject(&field("max_degree"), raw.max_degree.is_some(), &belongs);
    }
    if choose != "file" {
        c.reject(
            &field("path"),
            raw.path.is_some(),
            &format!("{why}; it belongs to choose = \"file\""),
        );
    }
    let pool = match c
        .choice(&field("pool"), raw.pool, "anyone", &["anyone", "customers"])
        .as_str()
    {
        "customers" => Pool::Customers,
        _ => Pool::Anyone,
    };
    if pool == Pool::Customers && market.customers == 0.0 {
        c.error_help(
            &field("pool"),
            "is \"customers\", but the market has no customers at launch".into(),
            "add [market] customers = 0.02 (a share of the consumers)".into(),
        );
    }
    // The pool's size, when the population's is known.
    let pool_size = nodes.map(|n| match pool {
        Pool::Anyone => n,
        Pool::Customers => (market.customers * n as f64).round() as u64,
    });
    let posts = c.posts(&field("posts"), raw.posts, steps);
    let incentive = c.money(&field("incentive"), raw.incentive);
    let trust_factor = c.probability(
        &field("trust_factor"),
        raw.trust_factor,
        defaults::TRUST_FACTOR,
    );
    let has_acceptance = raw.acceptance.is_some();
    let recruits = |c: &mut Checker<'_>| -> Option<Recruits> {
        match raw.acceptance {
            Some(points) => {
                let why = "with `acceptance`: the incentive and the curve set the count";
                c.reject(&field("count"), raw.count.is_some(), why);
                c.reject(&field("share"), raw.share.is_some(), why);
                acceptance(c, &field("acceptance"), &points)
                    .map(|acceptance| Recruits::Acceptance { acceptance })
            }
            None => {
                let limit = pool_size.map(|n| match pool {
                    Pool::Anyone => (n, "the population has"),
                    Pool::Customers => (n, "the pool of customers has"),
                });
                amount(
                    c,
                    section,
                    ("count", raw.count),
                    ("share", raw.share),
                    limit,
                )
                .map(Recruits::Amount)
            }
        }
    };
    let choice = match choose.as_str() {
        "file" => {
            let why = "to choose = \"file\": the file lists the advocates";
            c.reject(&field("count"), raw.count.is_some(), why);
            c.reject(&field("share"), raw.share.is_some(), why);
            c.reject(&field("acceptance"), has_acceptance, why);
            if pool == Pool::Customers {
                c.error(
                    &field("pool"),
                    "is \"customers\" with choose = \"file\"; allowed: the file names the advocates itself, so leave `pool` out".into(),
                );
            }
            let path = c.required(
                &field("path"),
                raw.path,
                "choose = \"file\" needs `path` (one node label per line)",
            )?;
            let resolved = base_dir.join(&path);
            if path.is_empty() {
                c.error(&field("path"), "is empty; allowed: the path of a file of node labels, relative to the scenario file".into());
            } else if !resolved.exists() {
                c.error_help(
                    &field("path"),
                    format!(
                        "is \"{}\", but {} does not exist",
                        crate::error::echo(&path),
                        resolved.display()
                    ),
                    "paths in a scenario are relative to the scenario file's folder".into(),
                );
            }
            AdvocateChoice::File { path: resolved }
        }
        "" => return None,
        other => {
            let amount = recruits(c)?;
            match other {
                "top_degree" => AdvocateChoice::TopDegree { amount },
                "spread" => AdvocateChoice::Spread { amount },
                "influence" => {
                    let epsilon = raw.epsilon.unwrap_or(defaults::EPSILON);
                    if !(epsilon > 0.0 && epsilon < 1.0) {
                        c.error(
                            &field("epsilon"),
                            format!("is {epsilon}; allowed: a number strictly between 0 and 1 (the chosen advocates reach at least 1 - 1/e - epsilon of the best possible)"),
                        );
                        return None;
                    }
                    AdvocateChoice::Influence { amount, epsilon }
                }
                "degree_band" => {
                    let need = "degree_band needs `min_degree` and `max_degree`";
                    let min = c.required(&field("min_degree"), raw.min_degree, need);
                    let max = c.required(&field("max_degree"), raw.max_degree, need);
                    let min = c.integer_in(&field("min_degree"), min?, 0, MAX_NODES)?;
                    let max = c.integer_in(&field("max_degree"), max?, 0, MAX_NODES)?;
                    if min > max {
                        c.error(&field("max_degree"), format!("is {max}, below `min_degree` = {min}; allowed: max_degree >= min_degree"));
                        return None;
                    }
                    AdvocateChoice::DegreeBand {
                        amount,
                        min_degree: min as u32,
                        max_degree: max as u32,
                    }
                }
                _ => AdvocateChoice::Random { amount },
            }
        }
    };
    Some(Advocates {
        name,
        choice,
        pool,
        posts,
        incentive,
        trust_factor,
    })
}

/// An acceptance curve: `[incentive, share]` points, incentives increasing, shares
/// in [0, 1] and never falling as the incentive rises.
fn acceptance(c: &mut Checker<'_>, field: &str, points: &[Vec<f64>]) -> Option<Vec<(f64, f64)>> {
    let errors = c.errors.len();
    if points.is_empty() {
        c.error(
            field,
            "is empty; allowed: [[incentive, share], ...] points, e.g. [[0.0, 0.01], [50.0, 0.12]]"
                .into(),
        );
    }
    let mut curve: Vec<(f64, f64)> = Vec::with_capacity(points.len());
    for (i, point) in points.iter().enumerate() {
        let &[incentive, share] = point.as_slice() else {
            c.error(
                field,
                format!(
                    "point {i} has {} numbers; allowed: two, [incentive, share]",
                    point.len()
                ),
            );
            continue;
        };
        if !(incentive.is_finite() && incentive >= 0.0) {
            c.error(
                field,
                format!("point {i} has incentive {incentive}; allowed: a finite amount >= 0"),
            );
        }
        if !(0.0..=1.0).contains(&share) {
            c.error(field, format!("point {i} has share {share}; allowed: 0 to 1 (the share of the pool who accept)"));
        }
        if let Some(&(x, y)) = curve.last() {
            if incentive <= x {
                c.error(field, format!("point {i} has incentive {incentive}, not above the previous {x}; allowed: increasing incentives"));
            }
            if share < y {
                c.error(field, format!("point {i} has share {share}, below the previous {y}; allowed: shares that do not fall as the incentive rises"));
            }
        }
        curve.push((incentive, share));
    }
    (c.errors.len() == errors).then_some(curve)
}

/// Channel names are unique across creators and programmes (they name rows of
/// `channels.csv`).
pub(super) fn unique_names(
    c: &mut Checker<'_>,
    influencers: &[(String, Influencer)],
    programmes: &[(String, Advocates)],
) {
    let mut seen: Vec<&str> = Vec::new();
    let all = influencers
        .iter()
        .map(|(s, i)| (s, &i.name))
        .chain(programmes.iter().map(|(s, p)| (s, &p.name)));
    for (section, name) in all {
        if seen.contains(&name.as_str()) {
            c.error_help(
                &format!("{section}.name"),
                format!(
                    "is \"{}\", the name of an earlier channel; allowed: a name used once",
                    crate::error::echo(name)
                ),
                "give each creator and programme its own name".into(),
            );
        } else {
            seen.push(name);
        }
    }
}

/// Combinations the rules cannot simulate faithfully, refused with the reason: a
/// cascade on a complete population counts one programme's advocates, not
/// several; a disclosed incentive's `trust_factor` scales a cascade's
/// per-recommendation conversion on a network; `pool = "customers"` draws its
/// advocates at random or by influence; `choose = "influence"` samples a cascade
/// on a network.
pub(super) fn supported(
    c: &mut Checker<'_>,
    wom: &WordOfMouth,
    population: Option<&PopulationSpec>,
    _influencers: &[(String, Influencer)],
    programmes: &[(String, Advocates)],
) {
    let complete = matches!(population, Some(PopulationSpec::Complete { .. }));
    let rule = match wom.rule {
        Rule::Cascade => "cascade",
        Rule::Threshold { .. } => "threshold",
        Rule::Bass { .. } => "bass",
    };
    if complete && rule == "cascade" && programmes.len() > 1 {
        c.error_help(
            &format!("{}.name", programmes[1].0),
            "is a second programme on a complete population under \"cascade\"; allowed: one programme there (its advocates are counted, not placed)".into(),
            "use a network population, or rule = \"threshold\" or \"bass\"".into(),
        );
    }
    for (section, p) in programmes {
        if p.trust_factor != 1.0 && (rule != "cascade" || complete) {
            c.error(
                &format!("{section}.trust_factor"),
                format!("is {} with rule \"{rule}\"{}; allowed: 1 unless rule = \"cascade\" on a network, where it scales each recommendation's conversion", p.trust_factor, if complete { " on a complete population" } else { "" }),
            );
        }
        let per_replicate = matches!(
            p.choice,
            AdvocateChoice::Random { .. } | AdvocateChoice::Influence { .. }
        );
        if p.pool == Pool::Customers
            && !per_replicate
            && !matches!(p.choice, AdvocateChoice::File { .. })
        {
            c.error(
                &format!("{section}.pool"),
                "is \"customers\"; allowed with choose = \"random\" or \"influence\" only (customers differ from replicate to replicate)".into(),
            );
        }
        if matches!(p.choice, AdvocateChoice::Influence { .. }) {
            if rule != "cascade" {
                c.error_help(
                    &format!("{section}.choose"),
                    format!("is \"influence\" with rule \"{rule}\"; allowed: rule = \"cascade\" only (the choice samples the cascade's independent recommendations backwards; under \"{rule}\" adoption depends on several advocates together, which reverse sampling cannot represent)"),
                    "use choose = \"top_degree\" or \"spread\", or rule = \"cascade\"".into(),
                );
            } else if complete {
                c.error_help(
                    &format!("{section}.choose"),
                    "is \"influence\" on a complete population; allowed: a network population (on a complete one every consumer is alike)".into(),
                    "use choose = \"random\"".into(),
                );
            }
        }
    }
}
