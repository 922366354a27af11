package bench

import (
	"fmt"
	"math"
	"runtime"
	"strings"
	"time"

	"github.com/vigil-ts/vigil/internal/numfmt"
)

// Kind says what a target bounds.
type Kind string

// The kinds of target.
const (
	// RatioAtLeast: throughput at least Value times the no-op's at the
	// same number of clients, measured in the same run.
	RatioAtLeast Kind = "ratio_at_least"
	// RateAtLeast: at least Value items per second.
	RateAtLeast Kind = "rate_at_least"
	// P99AtMost: the 99th percentile latency at most Bound.
	P99AtMost Kind = "p99_at_most"
	// RSSAtMost: the resident set at most Value bytes.
	RSSAtMost Kind = "rss_at_most"
)

// Target is one performance goal of a benchmark, in the words of the
// issue that set it.
type Target struct {
	// Benchmark is the benchmark's name, or a prefix ending in * for a
	// family (every console page).
	Benchmark string        `json:"benchmark"`
	Kind      Kind          `json:"kind"`
	Value     float64       `json:"value,omitempty"`
	Bound     time.Duration `json:"bound_ns,omitempty"`
	Meaning   string        `json:"meaning"`
}

// Targets are the goals the suite is held to (issues 10 and 11, on a
// 2-core machine): one table, so that the console, the JSON and the chart
// all judge by the same numbers.
func Targets() []Target {
	return []Target{
		{Benchmark: "checks", Kind: RatioAtLeast, Value: 0.25, Meaning: "listing decisions: at least 25% of the no-op's throughput at 8 clients"},
		{Benchmark: "checks", Kind: P99AtMost, Bound: 10 * time.Millisecond, Meaning: "listing decisions: p99 at most 10 ms at 8 clients"},
		{Benchmark: "capabilities", Kind: RatioAtLeast, Value: 0.60, Meaning: "capabilities answers: at least 60% of the no-op's throughput"},
		{Benchmark: "reports", Kind: RateAtLeast, Value: 5000, Meaning: "reports accepted durably: at least 5,000 per second"},
		{Benchmark: "ingest", Kind: RateAtLeast, Value: 20000, Meaning: "batched events stored: at least 20,000 per second"},
		{Benchmark: "queue", Kind: P99AtMost, Bound: 20 * time.Millisecond, Meaning: "the queue's top page: p99 at most 20 ms with 1,000,000 open cases"},
		{Benchmark: "console *", Kind: P99AtMost, Bound: 100 * time.Millisecond, Meaning: "each console page: under 100 ms with 100,000 cases"},
		{Benchmark: "memory", Kind: RSSAtMost, Value: 2 << 30, Meaning: "resident memory at most 2 GiB with 1,000,000 listings loaded and indexed"},
	}
}

// Applies reports whether t judges the benchmark named name.
func (t Target) Applies(name string) bool {
	if p, ok := strings.CutSuffix(t.Benchmark, "*"); ok {
		return strings.HasPrefix(name, p)
	}
	return t.Benchmark == name
}

// Short is the target as the table prints it.
func (t Target) Short() string {
	switch t.Kind {
	case RatioAtLeast:
		return fmt.Sprintf("≥%.0f%% no-op", 100*t.Value)
	case RateAtLeast:
		return fmt.Sprintf("≥%s/s", thousands(t.Value))
	case P99AtMost:
		return fmt.Sprintf("p99≤%s", t.Bound)
	case RSSAtMost:
		return fmt.Sprintf("RSS≤%s", bytesText(uint64(t.Value)))
	}
	return string(t.Kind)
}

// Verdict is a target judged on a result.
type Verdict struct {
	Benchmark string  `json:"benchmark"`
	Target    Target  `json:"target"`
	Measured  float64 `json:"measured"`
	// Text is the measured value as the table prints it.
	Text string `json:"text"`
	Pass bool   `json:"pass"`
}

// Judge holds r to t; baseline is the no-op measured at r's clients.
func (t Target) Judge(r, baseline Result) Verdict {
	v := Verdict{Benchmark: r.Name, Target: t}
	switch t.Kind {
	case RatioAtLeast:
		v.Measured = ratio(r, baseline)
		v.Text, v.Pass = fmt.Sprintf("%.1f%%", 100*v.Measured), v.Measured >= t.Value
	case RateAtLeast:
		v.Measured = r.ItemsPerS
		v.Text, v.Pass = fmt.Sprintf("%s/s", thousands(v.Measured)), v.Measured >= t.Value
	case P99AtMost:
		v.Measured = float64(r.P99)
		v.Text, v.Pass = fmt.Sprintf("p99 %s", roundDuration(r.P99)), r.P99 <= t.Bound
	case RSSAtMost:
		v.Measured = float64(r.RSSBytes)
		v.Text, v.Pass = bytesText(r.RSSBytes), float64(r.RSSBytes) <= t.Value
	}
	// A run with failed requests measured something else.
	if r.Errors > 0 {
		v.Pass = false
	}
	return v
}

// ratio is r's throughput as a share of the baseline's.
func ratio(r, baseline Result) float64 {
	if baseline.ItemsPerS <= 0 {
		return 0
	}
	return r.ItemsPerS / baseline.ItemsPerS
}

// Machine is what the numbers were measured on.
type Machine struct {
	GOMAXPROCS int       `json:"gomaxprocs"`
	NumCPU     int       `json:"num_cpu"`
	GoVersion  string    `json:"go_version"`
	OS         string    `json:"os"`
	Arch       string    `json:"arch"`
	Date       time.Time `json:"date"`
}

// ThisMachine describes the machine the process runs on.
func ThisMachine(now time.Time) Machine {
	return Machine{GOMAXPROCS: runtime.GOMAXPROCS(0), NumCPU: runtime.NumCPU(), GoVersion: runtime.Version(), OS: runtime.GOOS,
		Arch: runtime.GOARCH, Date: now.UTC()}
}

// Report is one run of the suite: every result beside its baseline, and
// each target's verdict.
type Report struct {
	Dialect string  `json:"dialect"`
	Machine Machine `json:"machine"`
	// Data is the data set the benchmarks ran on.
	Data DataSet `json:"data"`
	// Baselines are the no-op handler's, one per number of clients.
	Baselines []Result  `json:"baselines"`
	Results   []Result  `json:"results"`
	Verdicts  []Verdict `json:"verdicts"`
	// PeakRSSBytes is the process's resident high-water mark at the end.
	PeakRSSBytes uint64 `json:"peak_rss_bytes,omitempty"`
}

// DataSet is the marketplace the benchmarks ran in.
type DataSet struct {
	Path      string `json:"path,omitempty"`
	Generated bool   `json:"generated"`
	Listings  int64  `json:"listings"`
	Accounts  int64  `json:"accounts"`
	Events    int64  `json:"events"`
	OpenCases int    `json:"open_cases"`
}

// String says what the data set holds.
func (d DataSet) String() string {
	return fmt.Sprintf("%s listings, %s accounts, %s events, %s open cases", thousands(float64(d.Listings)), thousands(float64(d.Accounts)),
		thousands(float64(d.Events)), thousands(float64(d.OpenCases)))
}

// Baseline is the no-op's result at clients clients.
func (r *Report) Baseline(clients int) Result {
	for _, b := range r.Baselines {
		if b.Clients == clients {
			return b
		}
	}
	return Result{}
}

// Judge fills in the verdicts of every target on every result.
func (r *Report) Judge(targets []Target) {
	r.Verdicts = r.Verdicts[:0]
	for _, res := range r.Results {
		for _, t := range targets {
			if t.Applies(res.Name) {
				r.Verdicts = append(r.Verdicts, t.Judge(res, r.Baseline(res.Clients)))
			}
		}
	}
}

// verdicts are the verdicts on the benchmark named name.
func (r *Report) verdicts(name string) []Verdict {
	var out []Verdict
	for _, v := range r.Verdicts {
		if v.Benchmark == name {
			out = append(out, v)
		}
	}
	return out
}

// Missed lists the benchmarks that missed a target.
func (r *Report) Missed() []string {
	var out []string
	for _, v := range r.Verdicts {
		if !v.Pass && (len(out) == 0 || out[len(out)-1] != v.Benchmark) {
			out = append(out, v.Benchmark)
		}
	}
	return out
}

// Table formats the report: each baseline, then each result with its
// throughput as a share of the baseline at the same clients, its targets
// and whether it met them.
func (r *Report) Table() string {
	var b strings.Builder
	row := "%-22s %7s %8s %11s %9s %9s %7s  %-22s %-16s %s\n"
	fmt.Fprintf(&b, row, "benchmark", "clients", "requests", "items/s", "p50", "p99", "ratio", "target", "measured", "result")
	for _, base := range r.Baselines {
		fmt.Fprintf(&b, row, base.Name, fmt.Sprint(base.Clients), fmt.Sprint(base.Requests), thousands(base.ItemsPerS),
			roundDuration(base.P50), roundDuration(base.P99), "100%", "", "", "baseline")
	}
	for _, res := range r.Results {
		rate, p50, p99, rat := thousands(res.ItemsPerS), roundDuration(res.P50), roundDuration(res.P99), fmt.Sprintf("%.1f%%", 100*ratio(res, r.Baseline(res.Clients)))
		if res.RSSBytes > 0 {
			rate, p50, rat = "-", "-", "-"
		}
		vs := r.verdicts(res.Name)
		var targets, measured []string
		result := "-"
		if len(vs) > 0 {
			result = "PASS"
		}
		for _, v := range vs {
			targets, measured = append(targets, v.Target.Short()), append(measured, v.Text)
			if !v.Pass {
				result = "MISS"
			}
		}
		if res.Errors > 0 {
			result += fmt.Sprintf(" (%d errors: %s)", res.Errors, res.FirstError)
		}
		fmt.Fprintf(&b, row, res.Name, fmt.Sprint(res.Clients), fmt.Sprint(res.Requests), rate, p50, p99, rat,
			strings.Join(targets, ", "), strings.Join(measured, ", "), result)
	}
	return b.String()
}

// roundDuration rounds d for a table: 3 significant digits or so.
func roundDuration(d time.Duration) string {
	switch {
	case d == 0:
		return "0"
	case d < time.Millisecond:
		return d.Round(time.Microsecond).String()
	case d < time.Second:
		return d.Round(10 * time.Microsecond).String()
	}
	return d.Round(time.Millisecond).String()
}

// thousands formats v rounded with thousands separators: 12,345.
func thousands(v float64) string { return numfmt.Thousands(int64(math.Round(v))) }

// bytesText formats a size in MiB or GiB.
func bytesText(n uint64) string {
	if n >= 1<<30 {
		return fmt.Sprintf("%.2f GiB", float64(n)/(1<<30))
	}
	return fmt.Sprintf("%.0f MiB", float64(n)/(1<<20))
}
