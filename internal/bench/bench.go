// Package bench measures Vigil end to end over real HTTP on a loopback
// port, always beside a baseline measured in the same run (a handler that
// decodes the same request and does nothing), because the machines Vigil is
// measured on are shared and noisy: ratios travel, absolute numbers don't.
package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Result is one measured series.
type Result struct {
	Name       string        `json:"name"`
	Clients    int           `json:"clients"`
	Requests   int           `json:"requests"`
	Items      int           `json:"items"`
	Elapsed    time.Duration `json:"elapsed_ns"`
	ItemsPerS  float64       `json:"items_per_second"`
	P50        time.Duration `json:"p50_ns"`
	P99        time.Duration `json:"p99_ns"`
	Errors     int           `json:"errors"`
	FirstError string        `json:"first_error,omitempty"`
	// RSSBytes and PeakRSSBytes are the process's resident set (VmRSS)
	// and its high-water mark (VmHWM), for the memory benchmark.
	RSSBytes     uint64 `json:"rss_bytes,omitempty"`
	PeakRSSBytes uint64 `json:"peak_rss_bytes,omitempty"`
	HeapBytes    uint64 `json:"heap_bytes,omitempty"`
}

// Server is the server under test: its address and how requests
// authenticate, with the API key as a bearer token or with the cookies of
// a console session in Jar.
type Server struct {
	Base   string
	APIKey string
	Jar    http.CookieJar
}

// Request is one request of a load: Body posted to Path, or Path read
// with GET when Body is nil.
type Request struct {
	Path string
	Body []byte
}

// Posts are the requests posting each body to path.
func Posts(path string, bodies [][]byte) []Request {
	out := make([]Request, len(bodies))
	for i, b := range bodies {
		out[i] = Request{Path: path, Body: b}
	}
	return out
}

// To is the same requests sent to another path: the baseline's.
func To(path string, reqs []Request) []Request {
	out := make([]Request, len(reqs))
	for i, r := range reqs {
		out[i] = Request{Path: path, Body: r.Body}
	}
	return out
}

// client is an HTTP client for clients concurrent requests to srv.
func (srv Server) client(clients int) *http.Client {
	return &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}, Timeout: time.Minute, Jar: srv.Jar,
		// A console page that redirects (to the login) is a failure to
		// measure, not a page.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// Load sends reqs to srv from clients concurrent clients and measures
// throughput (items per second, itemsPerBody items in each request) and
// latency percentiles. progress, if not nil, is called after each
// request.
func Load(ctx context.Context, srv Server, name string, reqs []Request, itemsPerBody, clients int, progress func()) Result {
	client := srv.client(clients)
	lat := make([]time.Duration, len(reqs))
	var next atomic.Int64
	var errs atomic.Int64
	var firstErr sync.Once
	res := Result{Name: name, Clients: clients, Requests: len(reqs), Items: len(reqs) * itemsPerBody}
	start := time.Now()
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= len(reqs) || ctx.Err() != nil {
					return
				}
				t := time.Now()
				err := send(ctx, client, srv, reqs[i])
				lat[i] = time.Since(t)
				if err != nil {
					errs.Add(1)
					firstErr.Do(func() { res.FirstError = err.Error() })
				}
				if progress != nil {
					progress()
				}
			}
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	res.Errors = int(errs.Load())
	res.ItemsPerS = float64(res.Items) / res.Elapsed.Seconds()
	slices.Sort(lat)
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	return res
}

func send(ctx context.Context, c *http.Client, srv Server, r Request) error {
	method, body := http.MethodGet, io.Reader(nil)
	if r.Body != nil {
		method, body = http.MethodPost, bytes.NewReader(r.Body)
	}
	req, err := http.NewRequestWithContext(ctx, method, srv.Base+r.Path, body)
	if err != nil {
		return err
	}
	if r.Body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if srv.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+srv.APIKey)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	// The whole body: a page is measured until its last byte.
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode/100 != 2 {
		b = b[:min(len(b), 4096)]
		return fmt.Errorf("%s: %s", resp.Status, b)
	}
	return nil
}

func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	return sorted[min(len(sorted)-1, int(float64(len(sorted))*p))]
}

// NoOp is the baseline handler: it reads and decodes a posted body as
// JSON and answers a small JSON document, doing no work of its own.
func NoOp() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var v map[string]any
		if r.Method == http.MethodPost {
			if err := json.NewDecoder(r.Body).Decode(&v); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
		}
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	})
}

// Progress draws a progress bar on w for total steps.
type Progress struct {
	w     io.Writer
	total int64
	done  atomic.Int64
	label string
	mu    sync.Mutex // one redraw at a time: clients step concurrently
}

// NewProgress returns a progress bar.
func NewProgress(w io.Writer, label string, total int) *Progress {
	return &Progress{w: w, total: int64(total), label: label}
}

// Step advances the bar, redrawing it every 1%.
func (p *Progress) Step() {
	n := p.done.Add(1)
	if p.total == 0 || (n*100/p.total) == ((n-1)*100/p.total) && n != p.total {
		return
	}
	pct := n * 100 / p.total
	p.mu.Lock()
	defer p.mu.Unlock()
	fmt.Fprintf(p.w, "\r%-28s [%-40s] %3d%%", p.label, strings.Repeat("#", int(pct*40/100)), pct)
	if n == p.total {
		fmt.Fprintln(p.w)
	}
}
