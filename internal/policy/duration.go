package policy

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time span in a policy. In YAML it is a Go duration ("24h",
// "90m") or a number of days, optionally followed by a Go duration ("7d",
// "1d12h"), because most policy spans are days.
type Duration time.Duration

// Days returns a Duration of n days.
func Days(n int) Duration { return Duration(time.Duration(n) * 24 * time.Hour) }

// Hours returns a Duration of n hours.
func Hours(n int) Duration { return Duration(time.Duration(n) * time.Hour) }

// Std returns d as a time.Duration.
func (d Duration) Std() time.Duration { return time.Duration(d) }

// String renders d the way SPEC writes it: spans under a week in hours or
// smaller units ("24h", "72h", "90m"), whole days from a week on ("7d",
// "21d").
func (d Duration) String() string {
	day := 24 * time.Hour
	t := time.Duration(d)
	if t >= 7*day && t%day == 0 {
		return strconv.FormatInt(int64(t/day), 10) + "d"
	}
	s := t.String()
	// time.Duration prints 24h as "24h0m0s"; the zeros add nothing.
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// MarshalText implements encoding.TextMarshaler (YAML and JSON).
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler (YAML and JSON).
func (d *Duration) UnmarshalText(b []byte) error {
	s := strings.TrimSpace(string(b))
	var days int64
	if i := strings.IndexByte(s, 'd'); i > 0 {
		n, err := strconv.ParseInt(s[:i], 10, 32)
		if err != nil {
			return fmt.Errorf("%q is not a duration such as 24h, 7d or 1d12h", s)
		}
		if n > maxDays || n < -maxDays {
			return fmt.Errorf("%q is longer than a duration can be (about 292 years)", s)
		}
		days, s = n, s[i+1:]
	}
	var rest time.Duration
	if s != "" || days == 0 {
		var err error
		if rest, err = time.ParseDuration(s); err != nil {
			return fmt.Errorf("%q is not a duration such as 24h, 7d or 1d12h", string(b))
		}
	}
	whole := time.Duration(days) * 24 * time.Hour
	if rest > 0 && whole > math.MaxInt64-rest || rest < 0 && whole < math.MinInt64-rest {
		return fmt.Errorf("%q is longer than a duration can be (about 292 years)", string(b))
	}
	*d = Duration(whole + rest)
	return nil
}

// maxDays is the most days a Duration holds.
const maxDays = int64(math.MaxInt64 / (24 * time.Hour))
