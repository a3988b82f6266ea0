package web

import (
	"net/http"

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

type countRow struct {
	Week, Lang, Need string
	Cells            []countCell // one per store.CountEvents
}

type countsData struct {
	Events []string
	Rows   []countRow
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
		for j := range d.Rows[i].Cells {
			c := &d.Rows[i].Cells[j]
			if c.N < fewest {
				c.N, c.Few = 0, true
			}
		}
	}
	s.render(w, r, v, http.StatusOK, "counts", page{Title: "web.counts.title", Nav: "counts", Data: d})
}
