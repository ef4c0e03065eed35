//! `wom::scenario::parse` called directly: defaults, every generator, overrides,
//! seeds, and the diagnostics of a bad file (field, line, message, help).
//!
//! The influencer and advocate tables are read back through the resolved scenario
//! file (`scenario::to_toml`, what `wom validate --explain` prints), whose keys are
//! those of docs/scenarios.md.

use std::path::{Path, PathBuf};

use wom::scenario::{
    self, DegreeDistribution, Override, PopulationSpec, Rule, Scenario, Threshold, TrustMode,
};
use wom::{Diagnostic, WomError};

const COMPLETE: &str = "[population]\ngenerator = \"complete\"\nnodes = 10\n";

fn parse_as(text: &str, path: &str, overrides: &[&str]) -> Result<Scenario, WomError> {
    let overrides: Vec<Override> = overrides
        .iter()
        .map(|o| o.parse().unwrap_or_else(|e| panic!("{o}: {e}")))
        .collect();
    scenario::parse(text, Path::new(path), &overrides)
}

fn ok(text: &str) -> Scenario {
    parse_as(text, "x.toml", &[]).unwrap_or_else(|e| panic!("{text}\nshould parse: {e}"))
}

/// The resolved scenario file, every default filled in, as a TOML table.
fn resolved(s: &Scenario) -> toml::Table {
    let text = scenario::to_toml(s);
    toml::from_str(&text).unwrap_or_else(|e| panic!("{e}\n{text}"))
}

/// Every diagnostic of an input error (exit code 2).
fn problems<T: std::fmt::Debug>(result: Result<T, WomError>) -> Vec<Diagnostic> {
    match result {
        Err(WomError::Input(d)) => d,
        Err(other) => panic!("expected an input error, got {other}"),
        Ok(s) => panic!("expected an input error, got {s:?}"),
    }
}

/// The single diagnostic of an input error.
fn problem(text: &str) -> Diagnostic {
    let mut d = problems(parse_as(text, "x.toml", &[]));
    assert_eq!(d.len(), 1, "{d:?}");
    d.remove(0)
}

#[test]
fn defaults_fill_in_every_field_left_out() {
    let s = ok(COMPLETE);
    assert_eq!(s.name, "x", "the file stem");
    assert_eq!(s.stem, "x");
    assert_eq!(s.description, "");
    assert_eq!(
        (
            s.simulation.replicates,
            s.simulation.steps,
            s.simulation.seed,
            s.simulation.new_graph_each_replicate
        ),
        (1000, 30, 42, false)
    );
    let w = &s.word_of_mouth;
    assert_eq!(w.rule, Rule::Cascade);
    assert_eq!((w.reach, w.trust, w.conversion), (0.3, 0.92, 0.1));
    assert_eq!((w.advocacy, w.active_steps, w.external), (0.3, 1, 0.0));
    assert_eq!(w.trust_mode, TrustMode::Consumer);
    assert_eq!(s.economics.value_per_conversion, 0.0);
    let t = resolved(&s);
    assert!(!t.contains_key("influencer") && !t.contains_key("advocates"));

    let s = ok(&format!(
        "{COMPLETE}[influencer]\nfollowers = 5\n[advocates]\nshare = 0.2\n"
    ));
    let t = resolved(&s);
    let i = &t["influencer"];
    assert_eq!(i["followers"].as_integer(), Some(5));
    assert_eq!(i["follower_choice"].as_str(), Some("random"));
    assert_eq!(i["reach"].as_float(), Some(0.0227));
    assert_eq!(i["trust"].as_float(), Some(0.18));
    assert_eq!(i["fee"].as_float(), Some(0.0));
    assert_eq!(i["posts"], toml::Value::from(vec![0]));
    let a = &t["advocates"];
    assert_eq!(a["choose"].as_str(), Some("random"));
    assert_eq!(a["share"].as_float(), Some(0.2));
    assert_eq!(a["posts"], toml::Value::from(vec![0]));
    assert_eq!(a["incentive"].as_float(), Some(0.0));

    let rule = |name: &str| ok(&format!("{COMPLETE}[word_of_mouth]\nrule = \"{name}\"\n"));
    assert_eq!(
        rule("threshold").word_of_mouth.rule,
        Rule::Threshold {
            threshold: Threshold::Fixed(0.18)
        }
    );
    assert_eq!(
        rule("bass").word_of_mouth.rule,
        Rule::Bass {
            p: 0.03,
            q: 0.38,
            dt: 1.0
        }
    );
}

#[test]
fn every_generator_gives_its_population() {
    let cases = [
        (
            "generator = \"erdos_renyi\"\nnodes = 100_000\nmean_degree = 6",
            PopulationSpec::ErdosRenyi {
                nodes: 100_000,
                mean_degree: 6.0,
            },
        ),
        (
            "generator = \"barabasi_albert\"\nnodes = 500\nattach = 3",
            PopulationSpec::BarabasiAlbert {
                nodes: 500,
                attach: 3,
            },
        ),
        (
            "generator = \"watts_strogatz\"\nnodes = 50\nneighbors = 4\nrewire = 0.1",
            PopulationSpec::WattsStrogatz {
                nodes: 50,
                neighbors: 4,
                rewire: 0.1,
            },
        ),
        (
            "generator = \"configuration\"\nnodes = 100\ndegrees = { \"3\" = 0.75, \"20\" = 0.25 }",
            PopulationSpec::Configuration {
                nodes: 100,
                degrees: DegreeDistribution::Table(vec![(3, 0.75), (20, 0.25)]),
            },
        ),
        (
            "generator = \"configuration\"\nnodes = 100\npower_law = { exponent = 2.5, min = 2, max = 50 }",
            PopulationSpec::Configuration {
                nodes: 100,
                degrees: DegreeDistribution::PowerLaw {
                    exponent: 2.5,
                    min: 2,
                    max: 50,
                },
            },
        ),
        (
            "generator = \"stochastic_block\"\nblocks = [30, 70]\np_in = 0.2\np_out = 0.01",
            PopulationSpec::StochasticBlock {
                blocks: vec![30, 70],
                p_in: 0.2,
                p_out: 0.01,
            },
        ),
        (
            "generator = \"complete\"\nnodes = 7",
            PopulationSpec::Complete { nodes: 7 },
        ),
    ];
    for (body, expected) in cases {
        let s = ok(&format!("[population]\n{body}\n"));
        assert_eq!(s.population, expected, "{body}");
        assert_eq!(
            s.population.generator_name(),
            body.split('"').nth(1).unwrap()
        );
    }
    // The edge list, whose path must exist, is in the path test below.
}

#[test]
fn overrides_apply_in_order_before_validation() {
    let s = parse_as(
        COMPLETE,
        "x.toml",
        &[
            "word_of_mouth.conversion=0.2",
            "population.nodes=50",
            "simulation.seed=9",
            "simulation.seed=10",
            "advocates.choose=top_degree",
            "advocates.count=4",
            "influencer.posts=[3, 0, 3]",
            "influencer.follower_share=0.5",
        ],
    )
    .unwrap();
    assert_eq!(s.word_of_mouth.conversion, 0.2);
    assert_eq!(s.population, PopulationSpec::Complete { nodes: 50 });
    assert_eq!(s.simulation.seed, 10, "the later override wins");
    // Tables that the file does not have are created.
    let t = resolved(&s);
    assert_eq!(t["advocates"]["choose"].as_str(), Some("top_degree"));
    assert_eq!(t["advocates"]["count"].as_integer(), Some(4));
    assert_eq!(
        t["influencer"]["posts"],
        toml::Value::from(vec![0, 3]),
        "sorted, repeats removed"
    );
    assert_eq!(t["influencer"]["follower_share"].as_float(), Some(0.5));
    // An override is validated like the file, and the diagnostic names the flag.
    let d = problems(parse_as(COMPLETE, "x.toml", &["word_of_mouth.reach=1.5"]));
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].field.as_deref(), Some("word_of_mouth.reach"));
    assert!(d[0].message.contains("is 1.5"), "{}", d[0]);
    assert!(
        d[0].file
            .as_deref()
            .unwrap()
            .contains("--set word_of_mouth.reach=1.5"),
        "{}",
        d[0]
    );
    // An override that is not KEY=VALUE does not parse.
    assert!("word_of_mouth.reach".parse::<Override>().is_err());
}

#[test]
fn seeds_up_to_2_pow_64_minus_1_as_a_decimal_string() {
    let seed = |value: &str| {
        parse_as(
            &format!("[simulation]\nseed = {value}\n{COMPLETE}"),
            "x.toml",
            &[],
        )
        .map(|s| s.simulation.seed)
    };
    assert_eq!(seed("0").unwrap(), 0);
    assert_eq!(seed("9_223_372_036_854_775_807").unwrap(), i64::MAX as u64);
    assert_eq!(seed("\"18446744073709551615\"").unwrap(), u64::MAX);
    for bad in ["-1", "\"18446744073709551616\"", "\"many\"", "1.5"] {
        let d = problems(seed(bad));
        assert_eq!(d[0].field.as_deref(), Some("simulation.seed"), "{bad}");
    }
}

#[test]
fn a_missing_generator_parameter_is_named() {
    let d = problem("[population]\ngenerator = \"barabasi_albert\"\nnodes = 100\n");
    assert_eq!(d.field.as_deref(), Some("population.attach"));
    assert!(d.message.starts_with("is missing"), "{d}");
    assert!(d.message.contains("barabasi_albert needs `attach`"), "{d}");
    assert_eq!(d.file.as_deref(), Some("x.toml"));
    assert_eq!(d.line, Some(1), "the [population] header: {d}");
}

#[test]
fn an_unknown_key_suggests_the_near_miss() {
    let d = problem(&format!("{COMPLETE}[word_of_mouth]\nreech = 0.2\n"));
    assert_eq!(d.field.as_deref(), Some("word_of_mouth.reech"));
    assert_eq!((d.line, d.column), (Some(5), Some(1)));
    assert!(
        d.message
            .starts_with("unknown key `reech` in [word_of_mouth]; allowed keys: "),
        "{d}"
    );
    assert_eq!(d.help.as_deref(), Some("did you mean `reach`?"));
    // A key nowhere near any allowed one gets the list but no guess.
    let d = problem(&format!("{COMPLETE}[word_of_mouth]\nzzzzzz = 1\n"));
    assert!(d.message.contains("allowed keys: "), "{d}");
    assert_eq!(d.help, None);
}

#[test]
fn every_problem_is_reported_at_once_in_line_order() {
    let text = "[simulation]\nsteps = 0\n[population]\ngenerator = \"complete\"\nnodes = 10\nwrong = 1\n[word_of_mouth]\nreach = \"high\"\nconversion = 2.0\n";
    let d = problems(parse_as(text, "x.toml", &[]));
    let found: Vec<(Option<usize>, Option<&str>)> =
        d.iter().map(|d| (d.line, d.field.as_deref())).collect();
    assert_eq!(
        found,
        [
            (Some(2), Some("simulation.steps")),
            (Some(6), Some("population.wrong")),
            (Some(8), Some("word_of_mouth.reach")),
            (Some(9), Some("word_of_mouth.conversion")),
        ],
        "{d:?}"
    );
}

#[test]
fn paths_are_relative_to_the_scenario_file() {
    let text = "[population]\ngenerator = \"edge_list\"\npath = \"path.txt\"\n\
                [advocates]\nchoose = \"file\"\npath = \"advocate.txt\"\n";
    let s = parse_as(text, "tests/fixtures/tiny/x.toml", &[]).unwrap();
    assert_eq!(
        s.population,
        PopulationSpec::EdgeList {
            path: PathBuf::from("tests/fixtures/tiny/path.txt"),
            directed: false,
            weighted: false,
        }
    );
    let t = resolved(&s);
    assert_eq!(t["advocates"]["choose"].as_str(), Some("file"));
    assert_eq!(
        t["advocates"]["path"].as_str(),
        Some("tests/fixtures/tiny/advocate.txt")
    );
    // The same file read from another folder: the path is looked for beside it.
    let d = problems(parse_as(text, "elsewhere/x.toml", &[]));
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0].field.as_deref(), Some("population.path"));
    assert!(
        d[0].message
            .contains("is \"path.txt\", but elsewhere/path.txt does not exist"),
        "{}",
        d[0]
    );
    assert_eq!(d[1].field.as_deref(), Some("advocates.path"));
}

#[test]
fn currency_is_a_short_label_or_none() {
    let s = ok(COMPLETE);
    assert_eq!(s.economics.currency, None);
    assert_eq!(s.economics.unit(), "units");
    assert!(!resolved(&s)["economics"]
        .as_table()
        .unwrap()
        .contains_key("currency"));
    for label in ["USD", "€", "US$", "CHF"] {
        let s = ok(&format!("{COMPLETE}[economics]\ncurrency = \"{label}\"\n"));
        assert_eq!(s.economics.unit(), label);
        assert_eq!(resolved(&s)["economics"]["currency"].as_str(), Some(label));
    }
    // `--set` with a bare word, as for any text field.
    let s = parse_as(COMPLETE, "x.toml", &["economics.currency=EUR"]).unwrap();
    assert_eq!(s.economics.currency.as_deref(), Some("EUR"));
}

#[test]
fn a_bad_currency_is_named_with_what_is_allowed() {
    for (label, why) in [
        ("", "is empty"),
        ("DOLLARS!!", "is too long"),
        (" USD", "starts or ends with a space"),
        ("EUR ", "starts or ends with a space"),
        ("\\u0007", "has a control character"),
    ] {
        let d = problem(&format!(
            "{COMPLETE}[economics]\nvalue_per_conversion = 1.0\ncurrency = \"{label}\"\n"
        ));
        assert_eq!(d.field.as_deref(), Some("economics.currency"), "{d}");
        assert_eq!(d.line, Some(6), "{d}");
        assert!(d.message.starts_with(why), "{label:?}: {d}");
        assert!(d.message.contains("1 to 8 characters"), "{d}");
    }
    // Not text at all: the reader's own type message, still naming the field.
    let d = problem(&format!("{COMPLETE}[economics]\ncurrency = 5\n"));
    assert!(d.to_string().contains("currency"), "{d}");
    // Reported with the file's other problems, in line order.
    let text = format!(
        "{COMPLETE}[word_of_mouth]\nreach = 2.0\n[economics]\nvalue_per_conversion = -1.0\ncurrency = \"\"\n"
    );
    let fields: Vec<_> = problems(parse_as(&text, "x.toml", &[]))
        .into_iter()
        .map(|d| d.field)
        .collect();
    assert_eq!(
        fields,
        [
            Some("word_of_mouth.reach".to_string()),
            Some("economics.value_per_conversion".to_string()),
            Some("economics.currency".to_string()),
        ]
    );
}

#[test]
fn money_fields_are_labelled_with_the_currency() {
    for field in [
        "advocates.incentive",
        "influencer.fee",
        "economics.value_per_conversion",
    ] {
        assert_eq!(
            scenario::field_label(field, "EUR"),
            format!("{field} (EUR)")
        );
    }
    assert_eq!(
        scenario::field_label("advocates.count", "EUR"),
        "advocates.count"
    );
    assert_eq!(scenario::money_unit(None), "units");
    assert_eq!(scenario::money_unit(Some("€")), "€");
}
