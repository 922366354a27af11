package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/bench"
)

// benchSoak runs mixed traffic at a fraction of the throughput the same
// mix reaches flat out, measured first in the same run, for a long time,
// and reports the errors and how memory moved: a soak benchmark, not a
// test.
func (e env) benchSoak(ctx context.Context, args []string) error {
	fs, f := e.benchFlagSet("soak", 2000)
	duration := fs.Duration("duration", 10*time.Minute, "how long to run the mixed traffic")
	fraction := fs.Float64("fraction", 0.5, "share of the measured maximum throughput to run at")
	every := fs.Duration("sample", 10*time.Second, "how often to sample memory")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *f.clients <= 0 {
		*f.clients = 4
	}
	if *fraction <= 0 || *fraction > 1 {
		return fmt.Errorf("--fraction must be above 0 and at most 1, got %v", *fraction)
	}
	b, err := e.startBench(ctx, *f.db, "", false)
	if err != nil {
		return err
	}
	defer b.close()
	run := fmt.Sprintf("soak%d", time.Now().UnixNano())
	now := time.Now().Add(-time.Hour)
	probe := make([]bench.Request, *f.requests)
	for i := range probe {
		probe[i] = bench.Mixed(run+"-probe", i, now)
	}
	fmt.Fprintf(e.stdout, "soak benchmark: mixed traffic (4/10 listing checks, 2/10 capabilities, 2/10 reports, 1/10 event batches, 1/10 listing reads), %d clients, %s\n",
		*f.clients, b.app.DB.Dialect)
	p := bench.NewProgress(e.stderr, "flat out (probe)", len(probe))
	max := bench.Load(ctx, bench.Server{Base: b.base, APIKey: b.key}, "flat out", probe, 1, *f.clients, p.Step)
	rate := max.ItemsPerS * *fraction
	fmt.Fprintf(e.stdout, "flat out: %.0f requests/s (%d errors); soaking at %.0f/s for %s\n", max.ItemsPerS, max.Errors, rate, *duration)
	res := bench.Soak(ctx, b.base, b.key, func(i int) bench.Request { return bench.Mixed(run, i, now) }, rate, *duration, *f.clients, *every, memorySample)
	fmt.Fprint(e.stdout, soakReport(res))
	if err := os.MkdirAll(*f.out, 0o755); err != nil {
		return err
	}
	out, _ := json.MarshalIndent(map[string]any{"dialect": b.app.DB.Dialect, "clients": *f.clients, "flat_out": max, "soak": res}, "", "  ")
	return os.WriteFile(filepath.Join(*f.out, "soak.json"), out, 0o644)
}

// memorySample reads this process's heap and resident set: the server
// runs in it.
func memorySample() bench.SoakSample {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	s := bench.SoakSample{HeapBytes: ms.HeapInuse}
	if b, err := os.ReadFile("/proc/self/statm"); err == nil {
		if fields := strings.Fields(string(b)); len(fields) > 1 {
			pages, _ := strconv.ParseUint(fields[1], 10, 64)
			s.RSSBytes = pages * uint64(os.Getpagesize())
		}
	}
	return s
}

// soakReport is the soak's summary: requests, errors, lateness, latency
// and memory at the start, the peak and the end.
func soakReport(r bench.SoakResult) string {
	var b strings.Builder
	mib := func(v uint64) string { return fmt.Sprintf("%.1f MiB", float64(v)/(1<<20)) }
	first, last := r.Samples[0], r.Samples[len(r.Samples)-1]
	var peak bench.SoakSample
	for _, s := range r.Samples {
		peak.HeapBytes, peak.RSSBytes = max(peak.HeapBytes, s.HeapBytes), max(peak.RSSBytes, s.RSSBytes)
	}
	fmt.Fprintf(&b, "requests %d at %.0f/s over %s: %d errors, %d sent late, p50 %s, p99 %s\n", r.Requests, r.Rate, r.Duration,
		r.Errors, r.Behind, r.P50.Round(10*time.Microsecond), r.P99.Round(10*time.Microsecond))
	if r.FirstError != "" {
		fmt.Fprintf(&b, "first error: %s\n", r.FirstError)
	}
	fmt.Fprintf(&b, "heap: %s at the start, %s at the peak, %s at the end (%+.1f%%)\n", mib(first.HeapBytes), mib(peak.HeapBytes), mib(last.HeapBytes),
		100*(float64(last.HeapBytes)/float64(max(first.HeapBytes, 1))-1))
	fmt.Fprintf(&b, "resident: %s at the start, %s at the peak, %s at the end (%+.1f%%)\n", mib(first.RSSBytes), mib(peak.RSSBytes), mib(last.RSSBytes),
		100*(float64(last.RSSBytes)/float64(max(first.RSSBytes, 1))-1))
	return b.String()
}
