package imagehash

import (
	"image"
	"image/color"
	"math"
	"math/rand/v2"

	"golang.org/x/image/draw"
)

// Scene draws a product-photo-like picture: a gradient backdrop and a few
// shapes, all chosen by seed. The demo marketplace and tests use it for
// photos that hash like real ones (unrelated seeds land far apart).
func Scene(seed uint64, w, h int) *image.RGBA {
	r := rand.New(rand.NewPCG(seed, 99))
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	angle := r.Float64() * 2 * math.Pi
	c0 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	c1 := [3]float64{r.Float64() * 255, r.Float64() * 255, r.Float64() * 255}
	for y := range h {
		for x := range w {
			t := (float64(x)/float64(w)*math.Cos(angle) + float64(y)/float64(h)*math.Sin(angle) + 1.5) / 3
			img.Set(x, y, color.RGBA{uint8(c0[0] + t*(c1[0]-c0[0])), uint8(c0[1] + t*(c1[1]-c0[1])), uint8(c0[2] + t*(c1[2]-c0[2])), 255})
		}
	}
	for range 8 + r.IntN(5) {
		col := color.RGBA{uint8(r.IntN(256)), uint8(r.IntN(256)), uint8(r.IntN(256)), 255}
		cx, cy, rad := r.IntN(w), r.IntN(h), w/10+r.IntN(w/4)
		if r.IntN(2) == 0 {
			draw.Draw(img, image.Rect(cx-rad, cy-rad/2, cx+rad, cy+rad/2), image.NewUniform(col), image.Point{}, draw.Src)
			continue
		}
		for y := cy - rad; y <= cy+rad; y++ {
			for x := cx - rad; x <= cx+rad; x++ {
				if (x-cx)*(x-cx)+(y-cy)*(y-cy) <= rad*rad && image.Pt(x, y).In(img.Bounds()) {
					img.Set(x, y, col)
				}
			}
		}
	}
	return img
}
