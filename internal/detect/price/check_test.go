package price

import (
	"slices"
	"testing"

	"github.com/vigil-ts/vigil/internal/detect"
)

func TestCheck(t *testing.T) {
	market := Summary{N: 200, Median: 24000, MAD: 3000}
	params := Params{MinSamples: 30, HighMADs: 5, LowMADs: 3.5, BelowMarketFraction: 0.5}
	tests := []struct {
		name   string
		s      Summary
		amount int64
		p      Params
		want   []string // codes
	}{
		{"typical", market, 25000, params, nil},
		{"zero", market, 0, params, []string{CodeZero}},
		{"negative without data", Summary{}, -100, params, []string{CodeZero}},
		{"too few samples", Summary{N: 29, Median: 24000, MAD: 3000}, 1, params, nil},
		{"no samples and no minimum", Summary{}, 1, Params{HighMADs: 5}, nil},
		{"just inside high", market, 24000 + 5*3000, params, nil},
		{"too high", market, 24000 + 5*3000 + 1, params, []string{CodeTooHigh}},
		{"just inside low", market, 24000 - 3.5*3000, params, nil},
		{"too low", market, 13000, params, []string{CodeTooLow}},
		{"too low and below market", market, 9000, params, []string{CodeTooLow, CodeBelowMarket}},
		{"below market only", Summary{N: 200, Median: 24000, MAD: 9000}, 11000, params, []string{CodeBelowMarket}},
		{"checks disabled", market, 1, Params{MinSamples: 30}, nil},
		{"MAD 0, no floor, one cent off", Summary{N: 100, Median: 2500}, 2501, params, nil},
		{"MAD 0, no floor, far off", Summary{N: 100, Median: 2500}, 100000, params, nil},
		{"MAD 0, no floor, below market still works", Summary{N: 100, Median: 2500}, 1000, params, []string{CodeBelowMarket}},
		{"MAD 0, floor, one cent off", Summary{N: 100, Median: 2500}, 2501, withFloor(params), nil},
		{"MAD 0, floor, far off", Summary{N: 100, Median: 2500}, 100000, withFloor(params), []string{CodeTooHigh}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Check(tt.s, tt.amount, tt.p)
			var codes []string
			for _, f := range got {
				codes = append(codes, f.Code)
				if f.Field != "price" || f.Value == "" || f.Threshold == "" || f.Detail == "" {
					t.Errorf("finding without evidence: %+v", f)
				}
			}
			if !slices.Equal(codes, tt.want) {
				t.Errorf("Check = %v, want %v", codes, tt.want)
			}
		})
	}
}

func withFloor(p Params) Params {
	p.MADFloor = 0.05
	return p
}

func TestCheckEvidence(t *testing.T) {
	got := Check(Summary{N: 200, Median: 24000, MAD: 3000}, 9000, Params{MinSamples: 30, LowMADs: 3.5, BelowMarketFraction: 0.5})
	want := []detect.Finding{
		{
			Code: CodeTooLow, Field: "price", Value: "9000",
			Threshold: "median 24000, MAD 3000, 3.5 MAD below",
			Detail:    "The price is 5 MAD below the median of 200 recent prices in this category.",
		},
		{
			Code: CodeBelowMarket, Field: "price", Value: "9000",
			Threshold: "12000 (50% of median 24000)",
			Detail:    "The price is 37.5% of the median of 200 recent prices in this category.",
		},
	}
	if !slices.EqualFunc(got, want, func(a, b detect.Finding) bool {
		return a.Code == b.Code && a.Field == b.Field && a.Value == b.Value && a.Threshold == b.Threshold && a.Detail == b.Detail
	}) {
		t.Errorf("Check =\n%+v\nwant\n%+v", got, want)
	}
	floor := Check(Summary{N: 100, Median: 2500}, 100000, Params{HighMADs: 5, MADFloor: 0.05})
	if len(floor) != 1 || floor[0].Threshold != "median 2500, MAD 0 (floor 125), 5 MAD above" {
		t.Errorf("floor evidence: %+v", floor)
	}
}
