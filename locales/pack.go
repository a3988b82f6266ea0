package locales

import "strings"

// pack moves what the loaded catalogue keeps into a few large blocks: one
// string holding every distinct ID, note, file name and text, and one slice
// each of messages, texts, the few texts' extras (textExt) and parts. Loading allocates some 22 MB to keep 2,
// and what it keeps, allocated on its own, lies among what it throws away; the
// heap returns a page to the system only when nothing on it is kept. Packed
// once the garbage is made, the catalogue's thousands of small objects leave
// their pages free (BenchmarkLoad's inuse-B: 3.4 MB of pages held before, 3.0
// after; puente serve at rest, 0.4 MB less resident). A template that needs
// text/template keeps its parse tree where it is: there are ten.
func (c *Catalog) pack() {
	var nMsgs, nTexts, nExts, nParts, size int
	offsets := map[string]int{}
	var order []string
	add := func(s string) {
		if _, ok := offsets[s]; !ok && s != "" {
			offsets[s] = size
			order = append(order, s)
			size += len(s)
		}
	}
	for _, msgs := range c.msgs {
		for _, m := range msgs {
			nMsgs++
			for _, s := range []string{m.ID, m.Lang, m.Description, m.File} {
				add(s)
			}
			for _, t := range m.forms.all() {
				if t == nil {
					continue
				}
				nTexts++
				add(t.source())
				add(t.out)
				if t.ext == nil {
					continue
				}
				nExts++
				nParts += len(t.ext.parts)
				for _, p := range t.ext.parts {
					if !strings.Contains(t.out, p.lit) {
						add(p.lit)
					}
					add(p.field)
				}
			}
		}
	}
	var b strings.Builder
	b.Grow(size)
	for _, s := range order {
		b.WriteString(s)
	}
	all := b.String()
	intern := func(s string) string {
		if s == "" {
			return ""
		}
		off := offsets[s]
		return all[off : off+len(s)]
	}
	msgSlab := make([]Message, 0, nMsgs)
	textSlab := make([]text, 0, nTexts)
	extSlab := make([]textExt, 0, nExts)
	partSlab := make([]part, 0, nParts)
	packText := func(t *text) *text {
		if t == nil {
			return nil
		}
		textSlab = append(textSlab, text{out: intern(t.out)})
		nt := &textSlab[len(textSlab)-1]
		if t.ext == nil {
			return nt
		}
		extSlab = append(extSlab, textExt{src: intern(t.ext.src), tmpl: t.ext.tmpl})
		nt.ext = &extSlab[len(extSlab)-1]
		if t.ext.parts != nil {
			start := len(partSlab)
			for _, p := range t.ext.parts {
				lit := p.lit
				if i := strings.Index(nt.out, lit); i >= 0 {
					lit = nt.out[i : i+len(lit)]
				} else {
					lit = intern(lit)
				}
				partSlab = append(partSlab, part{lit: lit, field: intern(p.field)})
			}
			nt.ext.parts = partSlab[start:len(partSlab):len(partSlab)]
		}
		return nt
	}
	for lang, msgs := range c.msgs {
		packed := make(messages, len(msgs))
		for j, m := range msgs {
			msgSlab = append(msgSlab, *m)
			nm := &msgSlab[len(msgSlab)-1]
			nm.ID, nm.Lang, nm.Description, nm.File = intern(m.ID), intern(m.Lang), intern(m.Description), intern(m.File)
			nm.forms = formTexts{other: packText(m.forms.other)}
			if m.forms.plural != nil {
				nm.forms.plural = new([otherForm]*text)
				for i, t := range m.forms.plural {
					nm.forms.plural[i] = packText(t)
				}
			}
			packed[j] = nm
		}
		c.msgs[lang] = packed
	}
}
