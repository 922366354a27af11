package near

import (
	"cmp"
	"fmt"
	"os"
	"runtime"
	"slices"
	"testing"
	"time"
)

// BenchmarkLookup1M builds an index of corpus listings (corpus_test.go) per
// kind of text and tuning, titles as Chars and descriptions as Words, at the
// default threshold 0.9 and at the 0.8 internal/check builds its indexes
// for, and times the lookup internal/check makes for a copied description:
// at least 0.9 similar, other sellers only, at most 5 matches. Half the
// queries are edited copies of indexed listings (the planted pairs), half
// new listings. It indexes 100,000 listings, or 1,000,000 with
// VIGIL_BENCH_1M=1: the issue-11 target is p99 ≤ 1 ms and recall ≥ 0.95 at
// 0.9 with a million listings indexed.
//
// Besides ns/op it reports p50 and p99 latency, the 99th percentiles of
// chain steps and candidates verified per query (which, unlike times, do
// not depend on what else the machine runs), p50 and p99 for the
// baseline of preparing the query alone (normalising, shingling, MinHash,
// band keys: what any lookup costs before it reads the index), with the
// ratio of the two; recall of the planted pairs and precision of all
// matches by the exact similarity (queried without the limit); the build
// time and the heap the index holds, in all and per listing.
func BenchmarkLookup1M(b *testing.B) {
	n := 100_000
	if os.Getenv("VIGIL_BENCH_1M") == "1" {
		n = 1_000_000
	}
	for _, kind := range []Kind{Chars, Words} {
		for _, threshold := range []float64{0.9, 0.8} {
			b.Run(fmt.Sprintf("%s/t%.1f", kind, threshold), func(b *testing.B) { benchLookup(b, kind, threshold, n) })
		}
	}
}

func benchLookup(b *testing.B, kind Kind, threshold float64, n int) {
	heapBefore := heapInUse()
	ix := New(Options{Kind: kind, Threshold: threshold}) // no ExpectedSize, as internal/check
	build := fillIndex(ix, kind, n, corpusListing)
	heap := heapInUse() - heapBefore

	queries := plantQueries(ix, kind, n, 4096, 9, corpusListing)
	quality := measureQuality(ix, kind, queries, corpusListing)

	took := make([]time.Duration, 0, 1<<16)
	var steps, verified []int
	i := 0
	for b.Loop() {
		q := &queries[i%len(queries)]
		start := time.Now()
		_, w := ix.query(q.text, QueryOpts{MinSimilarity: lookupMinSim, ExcludeGroup: q.seller, Limit: 5})
		took = append(took, time.Since(start))
		steps, verified = append(steps, w.steps), append(verified, w.verified)
		i++
	}
	// The baseline, as many times over the same queries.
	base := make([]time.Duration, 0, len(took))
	sc := ix.scratch.Get().(*scratch)
	for i := range took {
		start := time.Now()
		ix.prepare(sc, queries[i%len(queries)].text)
		base = append(base, time.Since(start))
	}
	ix.scratch.Put(sc)

	p50, p99 := quantiles(took)
	b50, b99 := quantiles(base)
	_, s99 := quantiles(steps)
	_, v99 := quantiles(verified)
	b.ReportMetric(float64(s99), "p99-steps")
	b.ReportMetric(float64(v99), "p99-verified")
	b.ReportMetric(p50.Seconds()*1e6, "p50-µs")
	b.ReportMetric(p99.Seconds()*1e6, "p99-µs")
	b.ReportMetric(b50.Seconds()*1e6, "base-p50-µs")
	b.ReportMetric(b99.Seconds()*1e6, "base-p99-µs")
	b.ReportMetric(float64(p99)/float64(b99), "p99/base")
	b.ReportMetric(quality.recall(), "recall")
	b.ReportMetric(quality.precision(), "precision")
	b.ReportMetric(float64(quality.pairs), "pairs")
	b.ReportMetric(float64(quality.edited), "edited")
	b.ReportMetric(quality.freshRate(), "new-hit-rate")
	b.ReportMetric(build.Seconds(), "build-s")
	b.ReportMetric(float64(heap)/(1<<20), "heap-MiB")
	b.ReportMetric(float64(heap)/float64(n), "B/listing")
	runtime.KeepAlive(ix)
}

// quantiles sorts d and returns its median and 99th percentile.
func quantiles[T cmp.Ordered](d []T) (p50, p99 T) {
	slices.Sort(d)
	at := func(p float64) T { return d[int(p*float64(len(d)-1))] }
	return at(0.5), at(0.99)
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}
