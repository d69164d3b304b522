//! Scale (issue 18) on real text: the overview's sparse ordering (used above 400 plans) on the
//! seeds.

use duizhao::overview::{NEIGHBOURS, Overview, sparse_order};

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
