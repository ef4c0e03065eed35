//! Campaign seeding: every `choose` and `follower_choice` does what it says.

use std::path::Path;
use wom::graph::{self, Population};
use wom::rng::{stream, Stream};
use wom::scenario;
use wom::sim::campaign::{CampaignPlan, SeedingScratch};

fn setup(population: &str, campaign: &str) -> (Population, CampaignPlan) {
    let text = format!("[population]\n{population}\n{campaign}\n");
    let s = scenario::parse(&text, Path::new("t.toml"), &[]).unwrap_or_else(|e| panic!("{e}"));
    let p = graph::build(&s.population, 1, 0).unwrap();
    let plan = CampaignPlan::new(&s, &p).unwrap_or_else(|e| panic!("{e}"));
    (p, plan)
}

const BA: &str = "generator = \"barabasi_albert\"\nnodes = 5000\nattach = 3";

fn advocates(p: &Population, plan: &CampaignPlan, replicate: u64) -> Vec<u32> {
    let mut scratch = SeedingScratch::new(p.nodes() as usize);
    let mut out = Vec::new();
    plan.choose_advocates(
        0,
        p,
        &[],
        &mut stream(1, replicate, Stream::Advocates),
        &mut scratch,
        &mut out,
    );
    out
}

fn distinct(v: &[u32]) -> bool {
    let mut s = v.to_vec();
    s.sort_unstable();
    s.dedup();
    s.len() == v.len()
}

#[test]
fn random_advocates_are_distinct_and_counted() {
    let (p, plan) = setup(BA, "[advocates]\nshare = 0.01");
    let a = advocates(&p, &plan, 0);
    assert_eq!(a.len(), 50);
    assert_eq!(plan.advocate_count, 50);
    assert!(distinct(&a));
    assert_ne!(a, advocates(&p, &plan, 1), "each replicate draws its own");
}

#[test]
fn top_degree_takes_the_best_connected_and_draws_ties_at_random() {
    let (p, plan) = setup(BA, "[advocates]\ncount = 500\nchoose = \"top_degree\"");
    let g = p.graph().unwrap();
    let a = advocates(&p, &plan, 0);
    assert_eq!(a.len(), 500);
    assert!(distinct(&a));
    let weakest_chosen = a.iter().map(|&v| g.degree(v)).min().unwrap();
    let strongest_left = (0..5000u32)
        .filter(|v| !a.contains(v))
        .map(|v| g.degree(v))
        .max()
        .unwrap();
    assert!(weakest_chosen >= strongest_left);
    // The boundary degree is shared by more nodes than are needed: ties vary by replicate.
    let mut sorted_a = a.clone();
    sorted_a.sort_unstable();
    let differs = (1..20).any(|r| {
        let mut b = advocates(&p, &plan, r);
        b.sort_unstable();
        b != sorted_a
    });
    assert!(differs);
}

#[test]
fn degree_band_stays_in_the_band() {
    let (p, plan) = setup(
        BA,
        "[advocates]\ncount = 100\nchoose = \"degree_band\"\nmin_degree = 4\nmax_degree = 6",
    );
    let g = p.graph().unwrap();
    let a = advocates(&p, &plan, 0);
    assert_eq!(a.len(), 100);
    assert!(distinct(&a));
    assert!(a.iter().all(|&v| (4..=6).contains(&g.degree(v))));
}

#[test]
fn degree_band_with_too_few_members_is_bad_input() {
    let text = format!(
        "[population]\n{BA}\n[advocates]\ncount = 100\nchoose = \"degree_band\"\nmin_degree = 4000\nmax_degree = 5000\n"
    );
    let s = scenario::parse(&text, Path::new("t.toml"), &[]).unwrap();
    let p = graph::build(&s.population, 1, 0).unwrap();
    let err = CampaignPlan::new(&s, &p).unwrap_err();
    assert_eq!(err.exit_code(), 2);
    assert!(
        err.to_string()
            .contains("only 0 consumers have degree 4000 to 5000"),
        "{err}"
    );
}

#[test]
fn spread_advocates_share_no_friend() {
    let ring = "generator = \"watts_strogatz\"\nnodes = 1000\nneighbors = 4\nrewire = 0.0";
    let (p, plan) = setup(ring, "[advocates]\ncount = 100\nchoose = \"spread\"");
    let g = p.graph().unwrap();
    let a = advocates(&p, &plan, 0);
    assert_eq!(a.len(), 100);
    assert!(distinct(&a));
    // On this ring a node reaches 8 others within two ties; 100 advocates with
    // disjoint 2-neighbourhoods fit, and greedy random placement finds them.
    for (i, &u) in a.iter().enumerate() {
        for &v in &a[i + 1..] {
            let adjacent = g.neighbors(u).contains(&v);
            let common = g.neighbors(u).iter().any(|w| g.neighbors(v).contains(w));
            assert!(!adjacent && !common, "{u} and {v} are close");
        }
    }
    // Asking for more than can be far apart still yields distinct advocates.
    let (p, plan) = setup(ring, "[advocates]\ncount = 900\nchoose = \"spread\"");
    let a = advocates(&p, &plan, 0);
    assert_eq!(a.len(), 900);
    assert!(distinct(&a));
}

#[test]
fn followers_by_degree_are_better_connected_than_random_ones() {
    let mean_degree = |choice: &str| {
        let (p, plan) = setup(
            BA,
            &format!("[influencer]\nfollower_share = 0.1\nfollower_choice = \"{choice}\""),
        );
        let g = p.graph().unwrap();
        let mut scratch = SeedingScratch::new(5000);
        let mut total = 0.0;
        for r in 0..20 {
            let mut out = Vec::new();
            plan.choose_followers(
                0,
                &p,
                &mut stream(1, r, Stream::Followers),
                &mut scratch,
                &mut out,
            );
            assert_eq!(out.len(), 500);
            assert!(distinct(&out));
            total += out.iter().map(|&v| g.degree(v) as f64).sum::<f64>() / 500.0;
        }
        total / 20.0
    };
    let random = mean_degree("random");
    let by_degree = mean_degree("by_degree");
    // Random followers have the population's mean degree, 2 · attach ≈ 6 (sd of a
    // 500-sample mean ≈ 0.4, of the 20-sample average ≈ 0.1); degree-weighted ones
    // have the size-biased mean <k²>/<k>, well above it.
    assert!((random - 6.0).abs() < 0.5, "{random}");
    assert!(by_degree > 1.5 * random, "{by_degree} vs {random}");
}

#[test]
fn advocates_from_a_file_of_labels() {
    let (p, plan) = setup(
        "generator = \"edge_list\"\npath = \"tests/fixtures/edges/weighted.csv\"\nweighted = true",
        "[advocates]\nchoose = \"file\"\npath = \"tests/fixtures/edges/advocates.txt\"",
    );
    let labels = p.labels.as_ref().unwrap();
    let a = advocates(&p, &plan, 0);
    let names: Vec<String> = a.iter().map(|&v| labels.label(v)).collect();
    assert_eq!(names, ["alice", "carol"]);
}

#[test]
fn spread_keeps_advocates_apart_after_relaxing_to_one_tie() {
    // On a ring of 1000 with one neighbour each side, no two of 300 advocates can
    // share a friend (at most 250 fit), so the rule relaxes to "not adjacent"; random
    // sequential placement of non-adjacent nodes jams near 43% (432 > 300).
    let ring = "generator = \"watts_strogatz\"\nnodes = 1000\nneighbors = 2\nrewire = 0.0";
    let (p, plan) = setup(ring, "[advocates]\ncount = 300\nchoose = \"spread\"");
    let g = p.graph().unwrap();
    for replicate in 0..5 {
        let a = advocates(&p, &plan, replicate);
        assert_eq!(a.len(), 300);
        let adjacent = a
            .iter()
            .filter(|&&u| g.neighbors(u).iter().any(|v| a.contains(v)))
            .count();
        assert_eq!(adjacent, 0, "replicate {replicate}");
    }
}

#[test]
fn isolated_followers_by_degree_are_drawn_at_random() {
    // ER with mean degree 1: ~13.5% of consumers are isolated. Asking for every
    // connected consumer plus 10 takes 10 isolated ones, which must vary.
    let (p, _) = setup(
        "generator = \"erdos_renyi\"\nnodes = 2000\nmean_degree = 1",
        "",
    );
    let g = p.graph().unwrap();
    let connected = (0..2000u32).filter(|&v| g.degree(v) > 0).count();
    let (p, plan) = setup(
        "generator = \"erdos_renyi\"\nnodes = 2000\nmean_degree = 1",
        &format!(
            "[influencer]\nfollowers = {}\nfollower_choice = \"by_degree\"",
            connected + 10
        ),
    );
    let mut scratch = SeedingScratch::new(2000);
    let isolated = |r: u64, scratch: &mut SeedingScratch| {
        let mut out = Vec::new();
        plan.choose_followers(
            0,
            &p,
            &mut stream(1, r, Stream::Followers),
            scratch,
            &mut out,
        );
        let mut iso: Vec<u32> = out.into_iter().filter(|&v| g.degree(v) == 0).collect();
        iso.sort_unstable();
        iso
    };
    let first = isolated(0, &mut scratch);
    assert_eq!(first.len(), 10);
    assert!((1..5).any(|r| isolated(r, &mut scratch) != first));
}
