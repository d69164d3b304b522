//! Scale (issue 18) on real text: the overview's sparse ordering (used above 400 plans) on the
//! seeds.

use duizhao::overview::{NEIGHBOURS, Overview, OverviewBuild, sparse_order};

use crate::common::{seed_analysis, seed_corpus};

/// Sum of the Jaccard similarities of neighbours along an order.
fn adjacent_similarity(o: &Overview, order: &[usize]) -> f32 {
    order
        .windows(2)
        .map(|w| {
            let (a, b) = (w[0], w[1]);
            let shared = o.count(a, b);
            let union = (o.counted[a] + o.counted[b]).saturating_sub(shared);
            if union == 0 {
                0.0
            } else {
                shared as f32 / union as f32
            }
        })
        .sum()
}

#[test]
fn the_sparse_overview_order_is_as_good_as_the_clustering_on_the_seeds() {
    let (corpus, analysis) = (seed_corpus(), seed_analysis());
    let o = Overview::build(&corpus.plans, analysis);
    let order = sparse_order(o.len(), &|a, b| o.count(a, b), &o.counted, NEIGHBOURS);
    let n = corpus.plans.len();
    let mut sorted = order.clone();
    sorted.sort_unstable();
    assert_eq!(sorted, (0..n).collect::<Vec<_>>(), "every plan once");
    // The two Tianjin pilots that share measures stay close, as in the clustered order.
    let index = |name: &str| corpus.plans.iter().position(|p| p.name == name).unwrap();
    let (a, b) = (index("天津市东丽区"), index("天津市中北镇"));
    let pos = |p: usize| order.iter().position(|&x| x == p).unwrap();
    assert!(pos(a).abs_diff(pos(b)) <= 3, "{} vs {}", pos(a), pos(b));
    // Neighbours along the order are about as similar as along the clustering's order, and far
    // more similar than in corpus order.
    let sparse = adjacent_similarity(&o, &order);
    let clustered = adjacent_similarity(&o, &o.order);
    let corpus_order = adjacent_similarity(&o, &(0..n).collect::<Vec<_>>());
    println!(
        "adjacent similarity: sparse {sparse:.2}, clustered {clustered:.2}, corpus {corpus_order:.2}"
    );
    assert!(
        sparse >= 0.8 * clustered,
        "sparse {sparse} vs clustered {clustered}"
    );
    assert!(
        sparse > 1.2 * corpus_order,
        "sparse {sparse} vs corpus order {corpus_order}"
    );
}

#[test]
fn the_overview_preview_is_exact_on_its_sample_and_the_whole_equals_a_direct_build() {
    let (corpus, analysis) = (seed_corpus(), seed_analysis());
    let whole = Overview::build(&corpus.plans, analysis);
    let n = corpus.plans.len();
    // No preview of a corpus at most twice the sample's size.
    let mut build = OverviewBuild::start(&corpus.plans, analysis);
    assert!(build.sample(n.div_ceil(2), &|_, _| {}).is_none());
    assert!(build.sample(0, &|_, _| {}).is_none());
    for max_plans in [5, 20, 31] {
        // Gathered in one go or in parts (as the app does, so that a promoted prefetch gets
        // more threads): the same.
        let mut build = if max_plans == 20 {
            let mut b = OverviewBuild::new(&corpus.plans, analysis);
            for part in 0..3 {
                b.gather(part, 3);
            }
            b
        } else {
            OverviewBuild::start(&corpus.plans, analysis)
        };
        let steps = std::sync::Mutex::new(Vec::new());
        let preview = build
            .sample(max_plans, &|done, total| {
                steps.lock().unwrap().push((done, total))
            })
            .expect("a preview");
        let m = preview.len();
        assert!(m <= max_plans && m >= max_plans / 2, "{m} of {max_plans}");
        // Evenly spaced plans of the corpus, the first included, each with its whole-corpus
        // counts and the exact counts between them.
        let picked: Vec<usize> = preview
            .plan_ids
            .iter()
            .map(|id| corpus.plans.iter().position(|p| p.plan_id == *id).unwrap())
            .collect();
        assert_eq!(picked[0], 0);
        let gaps: Vec<usize> = picked.windows(2).map(|w| w[1] - w[0]).collect();
        assert!(gaps.iter().all(|&g| g == gaps[0]), "{picked:?}");
        for (i, &a) in picked.iter().enumerate() {
            assert_eq!(preview.plan_names[i], corpus.plans[a].name);
            assert_eq!(preview.shared_any[i], whole.shared_any[a]);
            assert_eq!(preview.counted[i], whole.counted[a]);
            for (j, &b) in picked.iter().enumerate() {
                assert_eq!(preview.directed(i, j), whole.directed(a, b), "{a} → {b}");
            }
        }
        let mut order = preview.order.clone();
        order.sort_unstable();
        assert_eq!(order, (0..m).collect::<Vec<_>>(), "each sampled plan once");
        assert!(preview.max_count <= whole.max_count);
        // The rows counted for the preview are not counted again: the whole build reports each
        // row once, and its result is the direct build's.
        if max_plans == 20 {
            for part in 0..4 {
                build.count(part, 4, &|done, total| {
                    steps.lock().unwrap().push((done, total))
                });
            }
        }
        let finished = build.finish(&|done, total| steps.lock().unwrap().push((done, total)));
        assert_eq!(finished, whole, "preview of {max_plans}");
        let steps = steps.into_inner().unwrap();
        assert!(steps.iter().all(|&(d, t)| d <= t));
        assert!(steps.last().is_some_and(|&(d, t)| d == t));
    }
}
