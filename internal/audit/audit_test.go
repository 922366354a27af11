package audit

import (
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

func chain(n int) []Entry {
	var out []Entry
	prev := ""
	at := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	for i := 1; i <= n; i++ {
		e := Entry{Chain: "m1", Seq: int64(i), At: at.Add(time.Duration(i) * time.Second),
			ActorType: ActorAPIKey, ActorID: "k1", Action: "events.ingested",
			SubjectType: "batch", SubjectID: "b", Detail: `{"n":1}`, PrevHash: prev}
		e.Hash = Hash(e)
		prev = e.Hash
		out = append(out, e)
	}
	return out
}

func verify(entries []Entry) error {
	v := NewVerifier("m1")
	for _, e := range entries {
		if err := v.Next(e); err != nil {
			return err
		}
	}
	return nil
}

func TestVerifyIntactChain(t *testing.T) {
	if err := verify(chain(5)); err != nil {
		t.Fatalf("intact chain: %v", err)
	}
}

func TestVerifyFindsFirstBrokenLink(t *testing.T) {
	cases := []struct {
		name    string
		tamper  func([]Entry) []Entry
		wantSeq int64
	}{
		{"altered detail", func(c []Entry) []Entry { c[2].Detail = `{"n":2}`; return c }, 3},
		{"altered actor", func(c []Entry) []Entry { c[1].ActorID = "k2"; return c }, 2},
		{"altered time", func(c []Entry) []Entry { c[3].At = c[3].At.Add(time.Microsecond); return c }, 4},
		{"deleted entry", func(c []Entry) []Entry { return append(c[:2], c[3:]...) }, 4},
		{"rehashed but relinked", func(c []Entry) []Entry { c[1].Detail = "{}"; c[1].Hash = Hash(c[1]); return c }, 3},
		{"swapped entries", func(c []Entry) []Entry { c[1], c[2] = c[2], c[1]; return c }, 3},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := verify(tc.tamper(chain(5)))
			var b *Break
			if !errors.As(err, &b) {
				t.Fatalf("want a Break, got %v", err)
			}
			if b.Seq != tc.wantSeq {
				t.Fatalf("broken at %d, want %d (%v)", b.Seq, tc.wantSeq, err)
			}
		})
	}
}

func TestHashSeparatesFields(t *testing.T) {
	a := Entry{Action: "ab", SubjectType: "c"}
	b := Entry{Action: "a", SubjectType: "bc"}
	if Hash(a) == Hash(b) {
		t.Fatal("field boundaries must change the hash")
	}
}

func export(t *testing.T, entries []Entry) string {
	t.Helper()
	var b strings.Builder
	enc := json.NewEncoder(&b)
	for _, e := range entries {
		if err := enc.Encode(e); err != nil {
			t.Fatal(err)
		}
	}
	return b.String()
}

// TestVerifyExport checks a stretch of a chain from its JSON lines alone:
// intact from its anchor, and broken where an entry was changed or
// dropped after export.
func TestVerifyExport(t *testing.T) {
	c := chain(10)
	st, err := VerifyExport(strings.NewReader(export(t, c[2:8])))
	if err != nil {
		t.Fatalf("intact stretch: %v", err)
	}
	if st.Count != 6 || st.First.Seq != 3 || st.Last.Seq != 8 || st.First.PrevHash != c[1].Hash || st.Chain != "m1" {
		t.Fatalf("stretch %+v", st)
	}
	altered := slices.Clone(c[2:8])
	altered[3].Detail = `{"n":9}`
	var b *Break
	if _, err := VerifyExport(strings.NewReader(export(t, altered))); !errors.As(err, &b) || b.Seq != 6 {
		t.Fatalf("altered entry 6: %v", err)
	}
	dropped := append(slices.Clone(c[2:4]), c[5:8]...)
	if _, err := VerifyExport(strings.NewReader(export(t, dropped))); !errors.As(err, &b) || b.Seq != 6 {
		t.Fatalf("entry 5 dropped: %v", err)
	}
	if _, err := VerifyExport(strings.NewReader(export(t, c[:2]) + "not json\n")); err == nil || !strings.Contains(err.Error(), "line 3") {
		t.Fatalf("a bad line: %v", err)
	}
	if _, err := VerifyExport(strings.NewReader("")); err == nil {
		t.Fatal("an empty export verified")
	}
}
