package api

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/danielgtaylor/huma/v2"
	"golang.org/x/time/rate"
)

// RateLimit is the request rate each API key may sustain in one process,
// with the burst it may spend at once; PerSecond 0 sets no limit.
type RateLimit struct {
	PerSecond float64
	Burst     int
}

// keyLimits keeps a token bucket per API key. Keys are few (a handful per
// marketplace), so the map is not evicted.
type keyLimits struct {
	limit RateLimit
	mu    sync.Mutex
	keys  map[string]*rate.Limiter
}

func newKeyLimits(l RateLimit) *keyLimits {
	return &keyLimits{limit: l, keys: map[string]*rate.Limiter{}}
}

// wait takes a token for keyID at now and returns 0, or how long the
// caller must wait when the key is over its rate (no token is taken).
func (k *keyLimits) wait(keyID string, now time.Time) time.Duration {
	if k.limit.PerSecond <= 0 {
		return 0
	}
	k.mu.Lock()
	l, ok := k.keys[keyID]
	if !ok {
		l = rate.NewLimiter(rate.Limit(k.limit.PerSecond), max(k.limit.Burst, 1))
		k.keys[keyID] = l
	}
	k.mu.Unlock()
	r := l.ReserveN(now, 1)
	if d := r.DelayFrom(now); d > 0 {
		r.CancelAt(now)
		return d
	}
	return 0
}

// retryAfter is a Retry-After header's value: whole seconds, at least one.
func retryAfter(wait time.Duration) string {
	return strconv.Itoa(max(int(math.Ceil(wait.Seconds())), 1))
}

// tooMany writes the 429 problem of a key over its rate, with the
// seconds to wait in Retry-After.
func tooMany(api huma.API, ctx huma.Context, wait time.Duration) {
	ctx.SetHeader("Retry-After", retryAfter(wait))
	huma.WriteErr(api, ctx, http.StatusTooManyRequests, "this API key is over its request rate; retry after the Retry-After seconds with the same ids")
}
