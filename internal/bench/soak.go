package bench

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"time"
)

// SoakSample is the server's memory at one moment of a soak.
type SoakSample struct {
	At time.Duration `json:"at_ns"`
	// HeapBytes is the live heap after the sample's GC-independent read
	// (runtime MemStats HeapInuse); RSSBytes the resident set, where the
	// system reports it.
	HeapBytes uint64 `json:"heap_bytes"`
	RSSBytes  uint64 `json:"rss_bytes"`
}

// SoakResult is a soak's outcome: what was sent at the target rate, what
// failed, latency, and how memory moved.
type SoakResult struct {
	Rate       float64       `json:"target_rate"`
	Duration   time.Duration `json:"duration_ns"`
	Requests   int           `json:"requests"`
	Errors     int           `json:"errors"`
	FirstError string        `json:"first_error,omitempty"`
	// Behind counts requests sent late because every client was busy: the
	// server did not keep up with the rate.
	Behind  int           `json:"behind"`
	P50     time.Duration `json:"p50_ns"`
	P99     time.Duration `json:"p99_ns"`
	Samples []SoakSample  `json:"samples"`
}

// Soak sends requests from next at rate per second for d from clients
// concurrent clients (open loop: the pace does not slow when the server
// does; a request due while every client is busy waits and counts as
// behind), and samples memory with sample every sampleEvery.
func Soak(ctx context.Context, base, apiKey string, next func(i int) Request, rate float64, d time.Duration, clients int,
	sampleEvery time.Duration, sample func() SoakSample) SoakResult {
	srv := Server{Base: base, APIKey: apiKey}
	client := srv.client(clients)
	res := SoakResult{Rate: rate, Duration: d}
	work := make(chan Request)
	var mu sync.Mutex
	var lat []time.Duration
	var wg sync.WaitGroup
	for range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range work {
				t := time.Now()
				err := send(ctx, client, srv, r)
				mu.Lock()
				lat = append(lat, time.Since(t))
				if err != nil {
					res.Errors++
					if res.FirstError == "" {
						res.FirstError = err.Error()
					}
				}
				mu.Unlock()
			}
		}()
	}
	start := time.Now()
	res.Samples = append(res.Samples, sample())
	lastSample := start
	interval := time.Duration(float64(time.Second) / rate)
	for i := 0; ; i++ {
		due := start.Add(time.Duration(i) * interval)
		if due.Sub(start) >= d || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Until(due))
		r := next(i)
		select {
		case work <- r:
		default:
			res.Behind++
			work <- r
		}
		res.Requests++
		if now := time.Now(); now.Sub(lastSample) >= sampleEvery {
			s := sample()
			s.At, lastSample = now.Sub(start), now
			res.Samples = append(res.Samples, s)
		}
	}
	close(work)
	wg.Wait()
	s := sample()
	s.At = time.Since(start)
	res.Samples = append(res.Samples, s)
	slices.Sort(lat)
	res.P50, res.P99 = percentile(lat, 0.50), percentile(lat, 0.99)
	return res
}

// Mixed is the ith request of a soak's mixed traffic, in tenths: four
// listing checks, two capabilities answers, two reports, one batch of ten
// events and one read of a listing checked ten rounds earlier.
func Mixed(run string, i int, now time.Time) Request {
	switch i % 10 {
	case 0, 1, 2, 3:
		return Request{Path: "/v1/checks/listing", Body: ListingBody(i)}
	case 4, 5:
		return Request{Path: fmt.Sprintf("/v1/accounts/seller-%d/capabilities", i%500)}
	case 6, 7:
		return Request{Path: "/v1/reports", Body: ReportBody(i, 100_000)}
	case 8:
		return Request{Path: "/v1/events", Body: IngestBodies(fmt.Sprintf("%s-%d", run, i), 10, 10, now)[0]}
	}
	if i < 100 {
		return Request{Path: "/v1/marketplace"}
	}
	// A listing checked ten rounds earlier, whose check has answered even
	// when clients run far ahead of each other.
	return Request{Path: fmt.Sprintf("/v1/listings/bl-%d", i-99)}
}
