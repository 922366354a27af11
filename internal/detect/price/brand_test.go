package price

import (
	"slices"
	"testing"
)

func TestFind(t *testing.T) {
	brands := NewBrands([]Brand{
		{Name: "Rolex", MinPrice: 300000},
		{Name: "Louis Vuitton", MinPrice: 40000},
		{Name: "Hermès", MinPrice: 100000},
		{Name: "Nike", MinPrice: 3000},
		{Name: "Dolce & Gabbana", MinPrice: 20000},
		{Name: "!!!"},
	})
	tests := []struct {
		text string
		want []string // matches, in order
	}{
		{"Original ROLEX Submariner", []string{"ROLEX"}},
		{"rolex rolex Rolex", []string{"rolex"}},
		{"Rolexx and Nikes and XRolex", nil},
		{"Louis-Vuitton Neverfull", []string{"Louis-Vuitton"}},
		{"LouisVuitton bag", []string{"LouisVuitton"}},
		{"LOUIS   VUITTON, Nike", []string{"LOUIS   VUITTON", "Nike"}},
		{"Louis Vuittons", nil},
		{"Birkin by HERMES", []string{"HERMES"}},
		{"Birkin by Herme\u0300s", []string{"Herme\u0300s"}},
		{"Hermès.", []string{"Hermès"}},
		{"ＮＩＫＥ Air", []string{"ＮＩＫＥ"}},
		{"Dolce&Gabbana", []string{"Dolce&Gabbana"}},
		{"no brand here", nil},
		{"", nil},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			var got []string
			for _, h := range brands.Find(tt.text) {
				got = append(got, h.Match)
				if tt.text[h.Span.Start:h.Span.End] != h.Match {
					t.Errorf("span %v does not cover %q", h.Span, h.Match)
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("Find = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCounterfeit(t *testing.T) {
	brands := NewBrands([]Brand{{Name: "Rolex", MinPrice: 300000}, {Name: "Casio"}})
	hits := brands.Find("Rolex Submariner, like Casio")
	tests := []struct {
		name   string
		amount int64
		want   int
	}{
		{"fake price", 25000, 1},
		{"plausible", 300000, 0},
		{"zero is price.zero's", 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Counterfeit("title", hits, tt.amount)
			if len(got) != tt.want {
				t.Fatalf("Counterfeit = %+v, want %d findings", got, tt.want)
			}
			if tt.want == 0 {
				return
			}
			f := got[0]
			if f.Code != CodeCounterfeit || f.Field != "title" || f.Match != "Rolex" || *f.Span != hits[0].Span ||
				f.Value != "25000" || f.Threshold != "Rolex from 300000" {
				t.Errorf("finding %+v", f)
			}
		})
	}
}
