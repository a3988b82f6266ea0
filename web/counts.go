package web

import (
	"net/http"
	"slices"

	"github.com/puente-bot/puente/store"
)

// countWeeks is how far back the counts page looks.
const countWeeks = 12

// fewest is the smallest count shown as a number: smaller ones could point at one person.
const fewest = 5

type countCell struct {
	N   int64
	Few bool // under fewest: shown as "fewer than 5"
}

// labelledCell is a cell with the message id of its column, which labels it on a phone,
// where a table's rows are stacked.
type labelledCell struct {
	countCell
	Label string
}

type countRow struct {
	Week, Lang, Need string
	Cells            []countCell // one per store.CountEvents
}

type ratingRow struct {
	Week  string
	Cells [2]countCell // helpful, not helpful
}

type countsData struct {
	Events  []string
	Rows    []countRow
	Ratings []ratingRow // how people rated closed handoffs, newest week first
}

func cell(n int64) countCell {
	if n < fewest {
		return countCell{Few: true}
	}
	return countCell{N: n}
}

func (s *Server) counts(w http.ResponseWriter, r *http.Request, v *viewer) {
	since := store.Week(s.now().AddDate(0, 0, -7*(countWeeks-1)))
	counts, err := s.db.Counts(r.Context(), since)
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	d := countsData{Events: store.CountEvents}
	index := map[[3]string]int{}
	for _, c := range counts {
		k := [3]string{c.Week, c.Lang, c.Need}
		i, ok := index[k]
		if !ok {
			i = len(d.Rows)
			index[k] = i
			d.Rows = append(d.Rows, countRow{Week: c.Week, Lang: c.Lang, Need: c.Need, Cells: make([]countCell, len(store.CountEvents))})
		}
		for j, e := range store.CountEvents {
			if e == c.Event {
				d.Rows[i].Cells[j].N = c.N
			}
		}
	}
	for i := range d.Rows {
		for j, c := range d.Rows[i].Cells {
			d.Rows[i].Cells[j] = cell(c.N)
		}
	}
	ratings, err := s.db.CaseRatings(r.Context())
	if err != nil {
		s.internal(w, r, v, err)
		return
	}
	for _, rt := range slices.Backward(ratings) {
		if rt.Week >= since {
			d.Ratings = append(d.Ratings, ratingRow{Week: rt.Week, Cells: [2]countCell{cell(rt.Helpful), cell(rt.Unhelpful)}})
		}
	}
	s.render(w, r, v, http.StatusOK, "counts", page{Title: "web.counts.title", Nav: "counts", Data: d})
}
