package directory

import "time"

// OpenAt tells whether the listing is open at now, with the bank holidays of the part of
// the UK it works in.
func (l *Listing) OpenAt(now time.Time) Availability { return l.Hours.At(now, l.division()) }
