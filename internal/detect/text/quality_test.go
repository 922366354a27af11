package text

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/vigil-ts/vigil/internal/eval"
)

// TestQuality runs the labelled set in testdata/eval through the text
// detectors and fails when micro-averaged precision or recall drops below
// 0.95. The full report, misclassified examples included, is in the log.
func TestQuality(t *testing.T) {
	paths, err := filepath.Glob("../../../testdata/eval/*.jsonl")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no labelled files: %v", err)
	}
	examples, err := eval.LoadFiles(paths...)
	if err != nil {
		t.Fatal(err)
	}
	if len(examples) < 300 {
		t.Errorf("%d labelled examples, want at least 300", len(examples))
	}
	d := newTestDetector(t)
	rep, err := eval.Score(examples, func(ex eval.Example) ([]string, error) {
		return Codes(d, ex.Check, ex.Text), nil
	})
	if err != nil {
		t.Fatal(err)
	}
	rep.Verbose = true
	var b strings.Builder
	if err := rep.Write(&b); err != nil {
		t.Fatal(err)
	}
	t.Logf("%d examples\n%s", rep.Examples, b.String())
	if p, r := rep.Total.Precision(), rep.Total.Recall(); p < 0.95 || r < 0.95 {
		t.Errorf("precision=%.3f recall=%.3f, want both ≥ 0.95", p, r)
	}
}

func newTestDetector(tb testing.TB) *Detector {
	tb.Helper()
	d, err := New(DefaultConfig())
	if err != nil {
		tb.Fatal(err)
	}
	return d
}
