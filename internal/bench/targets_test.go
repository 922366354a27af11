package bench

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"
)

// sampleReport is a run with a met and a missed target of every kind.
func sampleReport() *Report {
	r := &Report{Dialect: "sqlite", Machine: ThisMachine(time.Date(2026, 11, 20, 12, 0, 0, 0, time.UTC)),
		Baselines: []Result{{Name: "no-op ×8", Clients: 8, Requests: 100, ItemsPerS: 20000, P50: 100 * time.Microsecond, P99: time.Millisecond},
			{Name: "no-op ×4", Clients: 4, Requests: 100, ItemsPerS: 16000}},
		Results: []Result{
			{Name: "checks", Clients: 8, Requests: 100, ItemsPerS: 6000, P50: 2 * time.Millisecond, P99: 12 * time.Millisecond},         // ratio met, p99 missed
			{Name: "capabilities", Clients: 8, Requests: 100, ItemsPerS: 15000, P99: 800 * time.Microsecond},                            // 75%: met
			{Name: "reports", Clients: 8, Requests: 100, ItemsPerS: 4999, P99: 9 * time.Millisecond},                                    // just under
			{Name: "ingest", Clients: 4, Requests: 10, Items: 5000, ItemsPerS: 25000, P99: 300 * time.Millisecond},                      // met
			{Name: "queue", Clients: 4, Requests: 100, ItemsPerS: 900, P99: 20 * time.Millisecond},                                      // exactly the bound: met
			{Name: "console dashboard", Clients: 4, Requests: 100, ItemsPerS: 20, P99: 140 * time.Millisecond},                          // missed
			{Name: "console queue", Clients: 4, Requests: 100, ItemsPerS: 90, P99: 40 * time.Millisecond, Errors: 2, FirstError: "500"}, // errors fail it
			{Name: "memory", Clients: 1, Requests: 1, P99: time.Second, RSSBytes: 1 << 30, PeakRSSBytes: 3 << 29},                       // met
			{Name: "untargeted", Clients: 4, Requests: 10, ItemsPerS: 100, P99: time.Millisecond},
		},
	}
	r.Judge(Targets())
	return r
}

// TestJudge holds each result to its targets, against the baseline at its
// own clients.
func TestJudge(t *testing.T) {
	r := sampleReport()
	want := map[string][]bool{
		"checks":            {true, false},
		"capabilities":      {true},
		"reports":           {false},
		"ingest":            {true},
		"queue":             {true},
		"console dashboard": {false},
		"console queue":     {false},
		"memory":            {true},
	}
	for name, passes := range want {
		vs := r.verdicts(name)
		if len(vs) != len(passes) {
			t.Errorf("%s: %d verdicts, want %d", name, len(vs), len(passes))
			continue
		}
		for i, v := range vs {
			if v.Pass != passes[i] {
				t.Errorf("%s against %s (%s): pass %v, want %v", name, v.Target.Short(), v.Text, v.Pass, passes[i])
			}
		}
	}
	if vs := r.verdicts("untargeted"); len(vs) != 0 {
		t.Errorf("a benchmark without a target was judged: %+v", vs)
	}
	if v := r.verdicts("checks")[0]; v.Measured != 0.3 {
		t.Errorf("checks ratio %v, want 6,000/20,000 = 0.3 (the baseline at 8 clients)", v.Measured)
	}
	if got, want := strings.Join(r.Missed(), ","), "checks,reports,console dashboard,console queue"; got != want {
		t.Errorf("missed %s, want %s", got, want)
	}
}

// TestTable prints one row per baseline and result with its ratio,
// targets and verdict.
func TestTable(t *testing.T) {
	tab := sampleReport().Table()
	lines := strings.Split(strings.TrimSpace(tab), "\n")
	if len(lines) != 1+2+9 {
		t.Fatalf("%d lines:\n%s", len(lines), tab)
	}
	row := func(name string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, name+" ") {
				return l
			}
		}
		t.Fatalf("no row %s in\n%s", name, tab)
		return ""
	}
	if l := row("untargeted"); !strings.HasSuffix(l, " -") {
		t.Errorf("a benchmark without a target: %q, want no verdict", l)
	}
	for name, parts := range map[string][]string{
		"checks":        {"6,000", "30.0%", "≥25% no-op, p99≤10ms", "MISS"},
		"capabilities":  {"75.0%", "PASS"},
		"ingest":        {"25,000", "156.2%", "≥20,000/s", "PASS"},
		"console queue": {"MISS (2 errors: 500)"},
		"memory":        {"RSS≤2.00 GiB", "1.00 GiB", "PASS"},
		"no-op ×8":      {"baseline", "100%"},
	} {
		l := row(name)
		for _, p := range parts {
			if !strings.Contains(l, p) {
				t.Errorf("row %q lacks %q", l, p)
			}
		}
	}
}

// TestChart draws well-formed SVG with one bar per result in each panel
// it belongs to and a target line for each target that panel shows.
func TestChart(t *testing.T) {
	r := sampleReport()
	svg := r.Chart()
	dec := xml.NewDecoder(bytes.NewReader(svg))
	panel := ""
	bars, targets, classes := map[string]int{}, map[string]int{}, map[string]int{}
	var root string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, svg)
		}
		el, ok := tok.(xml.StartElement)
		if !ok {
			continue
		}
		if root == "" {
			root = el.Name.Local
		}
		attr := map[string]string{}
		for _, a := range el.Attr {
			attr[a.Name.Local] = a.Value
		}
		switch {
		case el.Name.Local == "g" && attr["class"] == "panel":
			panel = attr["id"]
		case el.Name.Local == "rect" && strings.HasPrefix(attr["class"], "bar "):
			bars[panel]++
			classes[attr["class"]]++
		case el.Name.Local == "line" && attr["class"] == "target":
			targets[panel]++
		case el.Name.Local == "script" || el.Name.Local == "image" || attr["href"] != "":
			t.Errorf("the chart refers outside itself: <%s %v>", el.Name.Local, el.Attr)
		}
	}
	if root != "svg" {
		t.Errorf("root element %q", root)
	}
	// Every result but memory has a throughput and a p99; memory its own.
	if bars["throughput"] != 8 || bars["latency"] != 8 || bars["memory"] != 1 {
		t.Errorf("bars per panel %v, want 8 throughput, 8 latency, 1 memory", bars)
	}
	// Throughput: checks' and capabilities' ratios, reports' and ingest's
	// rates; latency: checks, queue and the two console pages; memory.
	if targets["throughput"] != 4 || targets["latency"] != 4 || targets["memory"] != 1 {
		t.Errorf("target lines per panel %v, want 4, 4, 1", targets)
	}
	if classes["bar miss"] == 0 || classes["bar pass"] == 0 || classes["bar none"] != 2 {
		t.Errorf("bar colours %v", classes)
	}
	for _, s := range []string{"console dashboard", "sqlite", "GOMAXPROCS"} {
		if !bytes.Contains(svg, []byte(s)) {
			t.Errorf("the chart does not name %q", s)
		}
	}
}

// TestSelect picks benchmarks by name, the console's pages together.
func TestSelect(t *testing.T) {
	bs, err := Select("checks", "console")
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, b := range bs {
		names = append(names, b.Name)
	}
	if got := strings.Join(names, ","); !strings.HasPrefix(got, "console dashboard,") || !strings.HasSuffix(got, ",checks") || len(bs) != 1+len(consolePages()) {
		t.Errorf("selected %s", got)
	}
	if _, err := Select("nope"); err == nil {
		t.Error("an unknown benchmark was selected")
	}
	for _, b := range Benchmarks() {
		if !strings.HasPrefix(b.Name, "console ") && b.Name != "memory" {
			found := false
			for _, tg := range Targets() {
				found = found || tg.Applies(b.Name)
			}
			if !found && b.Name != "untargeted" {
				t.Errorf("benchmark %s has no target", b.Name)
			}
		}
	}
}
