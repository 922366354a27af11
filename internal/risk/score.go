package risk

import (
	"cmp"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/vigil-ts/vigil/internal/policy"
)

// PeerPrefix starts the Signal name of a linked peer's contribution:
// "peer.<account id>".
const PeerPrefix = "peer."

// Contribution is what one fired signal, or one linked peer, adds to the
// score (negative for trust signals).
type Contribution struct {
	// Signal is the signal's name, or PeerPrefix and the peer's account id.
	Signal string `json:"signal"`
	// Points are the contribution to Score, one decimal; all Points of an
	// Explanation add up to its Score.
	Points float64 `json:"points"`
	// RawPoints are weight × strength (for a peer, its share after the peer
	// cap) before the score is clamped to 0..100, to two decimals.
	RawPoints float64 `json:"raw_points"`
	// Positive marks trust signals.
	Positive bool     `json:"positive,omitempty"`
	Detail   string   `json:"detail"`
	EventIDs []string `json:"event_ids,omitempty"`
	Refs     []string `json:"refs,omitempty"`
}

// Explanation is a risk score with the contributions that make it up
// (R-F6). It is private to the marketplace and its moderators (R-P5).
type Explanation struct {
	// Score is 0..100.
	Score int `json:"score"`
	// Band is low, medium, high or critical (see Band).
	Band string `json:"band"`
	// Contributions are ordered by the size of their points, largest
	// first, then by signal name.
	Contributions []Contribution `json:"contributions"`
	// Raw is the sum of RawPoints before clamping, to two decimals: how far
	// beyond the scale an account is.
	Raw float64 `json:"raw"`
}

// Score weighs the fired signals by risk.weights and adds the strongly
// linked peers' share of their scores (R-F5), into a 0–100 score whose
// contributions add up to it exactly.
//
// A signal adds weight × strength points; a signal without a weight adds
// none. A peer linked with confidence ≥ risk.duplicate_min_confidence, or
// confirmed, adds peer_share × confidence × its score; all peers together
// add at most risk.peer_max_points, scaled down proportionally.
//
// The raw sum is clamped to 0..100 and rounded. So that the contributions
// still add up to the score, the side that overshoots gives way: above the
// score the risk contributions are scaled down (beyond 100, for instance,
// the trust signals keep their full value and the risk signals share what
// is left), below it the trust contributions are. The scaled points are
// rounded to one decimal by the largest-remainder method.
func Score(signals []Signal, links []Link, p policy.Risk) Explanation {
	var cs []Contribution
	for _, sig := range signals {
		if !sig.Fired {
			continue
		}
		raw := p.Weights[sig.Name] * sig.Strength
		if raw == 0 || math.IsNaN(raw) || math.IsInf(raw, 0) {
			continue
		}
		cs = append(cs, Contribution{
			Signal: sig.Name, RawPoints: raw, Positive: sig.Positive, Detail: sig.Detail,
			EventIDs: sig.EventIDs, Refs: sig.Refs,
		})
	}
	cs = append(cs, peers(links, p)...)

	var risk, trust float64 // the sums of positive and of negative points
	for _, c := range cs {
		if c.RawPoints > 0 {
			risk += c.RawPoints
		} else {
			trust += c.RawPoints
		}
	}
	raw := risk + trust
	score := int(math.Round(math.Min(100, math.Max(0, raw))))
	target := float64(score)
	exact := make([]float64, len(cs))
	scaleRisk, scaleTrust := 1.0, 1.0
	switch {
	case raw > target:
		// risk > 0 here: raw > target ≥ 0 and trust ≤ 0.
		scaleRisk = (target - trust) / risk
	case raw < target && trust < 0 && target <= risk:
		scaleTrust = (target - risk) / trust
	case raw < target:
		// Rounding up by less than a point with too little trust to
		// shrink: the risk side grows by that fraction. risk > 0 here,
		// since raw < target needs target ≥ 1 or trust < 0.
		scaleRisk = (target - trust) / risk
	}
	for i, c := range cs {
		if c.RawPoints > 0 {
			exact[i] = c.RawPoints * scaleRisk
		} else {
			exact[i] = c.RawPoints * scaleTrust
		}
	}
	tenths := largestRemainder(exact, score*10, cs)
	for i := range cs {
		cs[i].Points = float64(tenths[i]) / 10
		cs[i].RawPoints = round2(cs[i].RawPoints)
	}
	slices.SortStableFunc(cs, func(a, b Contribution) int {
		return cmp.Or(cmp.Compare(math.Abs(b.Points), math.Abs(a.Points)), strings.Compare(a.Signal, b.Signal))
	})
	return Explanation{Score: score, Band: Band(score, p), Contributions: cs, Raw: round2(raw)}
}

// largestRemainder rounds points to whole tenths that add up to total
// tenths: each is rounded down, and the units still missing go to the
// largest fractions (ties by signal name, so the result is deterministic).
func largestRemainder(points []float64, total int, cs []Contribution) []int {
	out := make([]int, len(points))
	if len(points) == 0 {
		return out
	}
	order := make([]int, len(points))
	missing := total
	for i, x := range points {
		out[i] = int(math.Floor(x * 10))
		missing -= out[i]
		order[i] = i
	}
	frac := func(i int) float64 { return points[i]*10 - math.Floor(points[i]*10) }
	slices.SortStableFunc(order, func(a, b int) int {
		return cmp.Or(cmp.Compare(frac(b), frac(a)), strings.Compare(cs[a].Signal, cs[b].Signal))
	})
	// The scaled points add up to the total, so missing is in 0..len;
	// the loops only guard against floating-point surprises.
	for missing > 0 {
		for _, i := range order {
			if missing == 0 {
				break
			}
			out[i]++
			missing--
		}
	}
	for missing < 0 {
		for _, i := range slices.Backward(order) {
			if missing == 0 {
				break
			}
			out[i]--
			missing++
		}
	}
	return out
}

// peers returns the contributions of strongly linked accounts, one per
// account (its strongest link counts: several weak identifiers do not add
// up to a strong one), capped together at PeerMaxPoints.
func peers(links []Link, p policy.Risk) []Contribution {
	type peer struct {
		confidence float64
		score      int
		kinds      []string
	}
	byID := map[string]*peer{}
	for _, l := range links {
		if l.AccountID == "" || !l.strong(p) {
			continue
		}
		pr := byID[l.AccountID]
		if pr == nil {
			pr = &peer{}
			byID[l.AccountID] = pr
		}
		pr.confidence = math.Max(pr.confidence, l.confidence())
		pr.score = max(pr.score, min(max(l.PeerScore, 0), 100))
		pr.kinds = append(pr.kinds, l.Kind)
	}
	var out []Contribution
	total := 0.0
	for _, id := range slices.Sorted(maps.Keys(byID)) {
		pr := byID[id]
		raw := p.PeerShare * pr.confidence * float64(pr.score)
		if raw <= 0 {
			continue
		}
		total += raw
		out = append(out, Contribution{
			Signal: PeerPrefix + id, RawPoints: raw, Refs: []string{id},
			Detail: fmt.Sprintf("Linked account %s (%s, confidence %.2f) has risk score %d: %g × %.2f × %d = %.1f points.",
				id, strings.Join(sortedUnique(pr.kinds), ", "), pr.confidence, pr.score, p.PeerShare, pr.confidence, pr.score, raw),
		})
	}
	if total > p.PeerMaxPoints {
		f := p.PeerMaxPoints / total
		for i := range out {
			out[i].RawPoints *= f
			out[i].Detail += fmt.Sprintf(" Peers together are capped at %g points, so %.1f count.", p.PeerMaxPoints, out[i].RawPoints)
		}
	}
	return out
}

func round2(x float64) float64 { return math.Round(x*100) / 100 }

// Band names the score's range by the policy's bands: low, medium, high or
// critical.
func Band(score int, p policy.Risk) string {
	switch {
	case score >= p.Bands.Critical:
		return policy.SeverityCritical
	case score >= p.Bands.High:
		return policy.SeverityHigh
	case score >= p.Bands.Medium:
		return policy.SeverityMedium
	}
	return policy.SeverityLow
}

// OpensReview reports whether a score change from before to after crosses
// risk.review_threshold upward, which opens a review for a person: the
// score recommends, people decide (R-P2). A score staying above the
// threshold opens nothing new.
func OpensReview(before, after int, p policy.Risk) bool {
	return before < p.ReviewThreshold && after >= p.ReviewThreshold
}
