package web

import "testing"

// Every return address is a path on this site; anything a browser could read as another site
// becomes "/". (The tab forms used to pass: browsers drop the tab and read //evil.example.)
func TestLocalPath(t *testing.T) {
	hostile := []string{
		"", "evil.example", "https://evil.example/", "http:evil.example", "https:evil.example",
		"//evil.example", "///evil.example", "/\\evil.example", "/\\/evil.example", "\\\\evil.example",
		"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/%09/evil.example", "/%0a/evil.example",
		"/%0d/evil.example", "/%2F%2Fevil.example", "/%2f/evil.example", "/%5Cevil.example", "/%5c%5cevil.example",
		"/ /evil.example", "/%20/evil.example", "/\x00/evil.example", "/%00/evil.example", "/\x7f/evil.example",
		"/\u00a0/evil.example", "/\uff0f/evil.example", "javascript:alert(1)", "/%zz", " /listings",
		"\t//evil.example", "//user@evil.example/", "/%E3%80%80/evil.example",
	}
	for _, next := range hostile {
		if got := localPath(next); got != "/" {
			t.Errorf("localPath(%q) = %q, want /", next, got)
		}
	}
	safe := []string{"/", "/listings", "/listings?q=women&page=2", "/listings/a0000000-0000-4000-8000-000000000001",
		"/counts#week", "/audit?before=12", "/listings?q=caf%C3%A9", "/listings?next=//x"}
	for _, next := range safe {
		if got := localPath(next); got != next {
			t.Errorf("localPath(%q) = %q, want it kept", next, got)
		}
	}
}
