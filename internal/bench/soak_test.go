package bench

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// TestSoak paces requests at the rate asked, counts the server's errors
// and samples memory from start to end.
func TestSoak(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/fail") {
			http.Error(w, "no", http.StatusInternalServerError)
			return
		}
		w.Write([]byte(`{}`))
	}))
	defer srv.Close()
	samples := 0
	sample := func() SoakSample { samples++; return SoakSample{HeapBytes: uint64(samples)} }
	next := func(i int) Request {
		if i%10 == 9 {
			return Request{Path: "/fail"}
		}
		return Request{Path: "/ok"}
	}
	r := Soak(t.Context(), srv.URL, "key", next, 200, 500*time.Millisecond, 4, 100*time.Millisecond, sample)
	if r.Requests != 100 {
		t.Errorf("%d requests in half a second at 200/s, want 100", r.Requests)
	}
	if r.Errors != 10 || !strings.Contains(r.FirstError, "500") {
		t.Errorf("%d errors (%q), want the 10 failing requests", r.Errors, r.FirstError)
	}
	// The start, about every 100ms, and the end.
	if len(r.Samples) < 4 || r.Samples[0].At != 0 {
		t.Errorf("samples %+v: want the start, every 100ms and the end", r.Samples)
	}
	for i := 1; i < len(r.Samples); i++ {
		if r.Samples[i].At <= r.Samples[i-1].At {
			t.Errorf("samples out of order: %+v", r.Samples)
		}
	}
}

// TestMixed: the mix is the documented shares of each kind of request.
func TestMixed(t *testing.T) {
	count := map[string]int{}
	for i := range 1000 {
		r := Mixed("run", i, time.Now())
		path := r.Path
		switch {
		case strings.HasPrefix(path, "/v1/accounts/"):
			path = "capabilities"
		case strings.HasPrefix(path, "/v1/listings/"), path == "/v1/marketplace":
			path = "read"
		}
		count[path]++
	}
	want := map[string]int{"/v1/checks/listing": 400, "capabilities": 200, "/v1/reports": 200, "/v1/events": 100, "read": 100}
	for k, v := range want {
		if count[k] != v {
			t.Errorf("%s: %d of 1000, want %d", k, count[k], v)
		}
	}
}
