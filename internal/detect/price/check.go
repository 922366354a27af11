package price

import (
	"fmt"
	"math"
	"strconv"

	"github.com/vigil-ts/vigil/internal/detect"
)

// Finding codes of this package.
const (
	CodeZero        = "price.zero"
	CodeTooHigh     = "price.too_high"
	CodeTooLow      = "price.too_low"
	CodeBelowMarket = "price.below_market"
	CodeCounterfeit = "listing.counterfeit"
)

// Params are the thresholds of Check; the policy supplies them per
// marketplace and category. A zero threshold disables its check.
type Params struct {
	// MinSamples is the fewest prices a key needs before any statistical
	// check runs (R-P1: no data, no finding). Typical: 30.
	MinSamples int
	// HighMADs: a price more than this many scaled MADs above the median is
	// price.too_high. Typical: 5.
	HighMADs float64
	// LowMADs: a price more than this many scaled MADs below the median is
	// price.too_low. Typical: 3.5.
	LowMADs float64
	// BelowMarketFraction: a price below this fraction of the median is
	// price.below_market, the fraud signal. Typical: 0.5.
	BelowMarketFraction float64
	// MADFloor is the least spread assumed, as a fraction of the median.
	// Where nearly every item costs the same the MAD is 0 and a price one
	// cent off would be infinitely many MADs away; with a floor of 0.05 the
	// spread used is at least 5% of the median. With no floor and a MAD of
	// 0 the MAD checks do not run.
	MADFloor float64
}

// Check judges amount (minor units) against the summary of its key. A price
// ≤ 0 is price.zero whatever the statistics; the other checks need at least
// p.MinSamples prices. price.too_low and price.below_market may both fire:
// the first says the price is implausible for the category, the second
// that it undercuts the market the way bait listings do.
func Check(s Summary, amount int64, p Params) []detect.Finding {
	value := strconv.FormatInt(amount, 10)
	if amount <= 0 {
		return []detect.Finding{{
			Code: CodeZero, Field: "price", Value: value, Threshold: "> 0",
			Detail: "The price is zero or negative.",
		}}
	}
	if s.N == 0 || s.N < p.MinSamples {
		return nil
	}
	var out []detect.Finding
	x := float64(amount)
	spread := max(s.MAD, p.MADFloor*s.Median)
	if spread > 0 {
		z := (x - s.Median) / spread
		switch {
		case p.HighMADs > 0 && z > p.HighMADs:
			out = append(out, madFinding(CodeTooHigh, amount, s, spread, z, p.HighMADs, "above"))
		case p.LowMADs > 0 && z < -p.LowMADs:
			out = append(out, madFinding(CodeTooLow, amount, s, spread, z, p.LowMADs, "below"))
		}
	}
	if f := p.BelowMarketFraction; f > 0 && x < f*s.Median {
		out = append(out, detect.Finding{
			Code: CodeBelowMarket, Field: "price", Value: value,
			Threshold: fmt.Sprintf("%s (%s%% of median %s)", num(f*s.Median), num(f*100), num(s.Median)),
			Detail: fmt.Sprintf("The price is %s%% of the median of %d recent prices in this category.",
				num(100*x/s.Median), s.N),
		})
	}
	return out
}

// madFinding builds a too-high or too-low finding for a price z spreads
// from the median, limit the policy's number of MADs.
func madFinding(code string, amount int64, s Summary, spread, z, limit float64, side string) detect.Finding {
	mad := "MAD " + num(s.MAD)
	if spread > s.MAD {
		mad += " (floor " + num(spread) + ")"
	}
	return detect.Finding{
		Code: code, Field: "price", Value: strconv.FormatInt(amount, 10),
		Threshold: fmt.Sprintf("median %s, %s, %s MAD %s", num(s.Median), mad, num(limit), side),
		Detail: fmt.Sprintf("The price is %s MAD %s the median of %d recent prices in this category.",
			num(math.Abs(z)), side, s.N),
	}
}

// num formats a figure for a moderator: at most two decimals, no trailing
// zeros.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*100)/100, 'f', -1, 64)
}
