package directory

import (
	"strings"
	"time"
)

// PlaceRegions maps the names of UK places volunteers and people commonly write (cities,
// counties, London boroughs, nations), in lower case, to the region of the directory they
// lie in. A place outside London and the North West maps to its nation. Import uses it to
// suggest a region for a place name; a page that asks where someone is can use it too.
var PlaceRegions = map[string]Region{
	// London and its boroughs.
	"london": London, "greater london": London, "city of london": London, "barking": London, "barnet": London,
	"bexley": London, "brent": London, "brixton": London, "bromley": London, "camden": London, "croydon": London,
	"ealing": London, "enfield": London, "greenwich": London, "hackney": London, "hammersmith": London,
	"haringey": London, "harrow": London, "havering": London, "hillingdon": London, "hounslow": London,
	"islington": London, "kensington": London, "chelsea": London, "kingston": London, "lambeth": London,
	"lewisham": London, "merton": London, "newham": London, "redbridge": London, "richmond": London,
	"southwark": London, "sutton": London, "tower hamlets": London, "waltham forest": London,
	"wandsworth": London, "westminster": London, "southall": London, "stratford": London, "peckham": London,
	"elephant and castle": London, "seven sisters": London, "tottenham": London, "stockwell": London,
	"vauxhall": London, "kilburn": London, "willesden": London,
	// The North West of England.
	"north west": NorthWest, "north west england": NorthWest, "manchester": NorthWest, "greater manchester": NorthWest,
	"salford": NorthWest, "trafford": NorthWest, "stockport": NorthWest, "tameside": NorthWest, "oldham": NorthWest,
	"rochdale": NorthWest, "bury": NorthWest, "bolton": NorthWest, "wigan": NorthWest, "moss side": NorthWest,
	"liverpool": NorthWest, "merseyside": NorthWest, "wirral": NorthWest, "birkenhead": NorthWest, "sefton": NorthWest,
	"knowsley": NorthWest, "st helens": NorthWest, "warrington": NorthWest, "cheshire": NorthWest, "chester": NorthWest,
	"crewe": NorthWest, "lancashire": NorthWest, "preston": NorthWest, "blackpool": NorthWest, "blackburn": NorthWest,
	"burnley": NorthWest, "lancaster": NorthWest, "cumbria": NorthWest, "carlisle": NorthWest,
	// Elsewhere in England.
	"birmingham": England, "west midlands": England, "coventry": England, "wolverhampton": England, "leeds": England,
	"bradford": England, "sheffield": England, "york": England, "hull": England, "yorkshire": England,
	"newcastle": England, "sunderland": England, "middlesbrough": England, "bristol": England, "bath": England,
	"plymouth": England, "exeter": England, "nottingham": England, "leicester": England, "derby": England,
	"northampton": England, "luton": England, "milton keynes": England, "oxford": England, "cambridge": England,
	"norwich": England, "ipswich": England, "peterborough": England, "reading": England, "slough": England,
	"southampton": England, "portsmouth": England, "brighton": England, "kent": England, "essex": England,
	"sussex": England, "surrey": England,
	// The other nations.
	"wales": Wales, "cymru": Wales, "cardiff": Wales, "swansea": Wales, "newport": Wales, "wrexham": Wales,
	"bangor":   Wales,
	"scotland": Scotland, "glasgow": Scotland, "edinburgh": Scotland, "aberdeen": Scotland, "dundee": Scotland,
	"inverness": Scotland, "stirling": Scotland, "perth": Scotland,
	"northern ireland": NorthernIreland, "belfast": NorthernIreland, "derry": NorthernIreland,
	"londonderry": NorthernIreland, "newry": NorthernIreland, "lisburn": NorthernIreland,
	"united kingdom": UK, "great britain": UK, "britain": UK,
}

// RegionOfPlace is the region a place name lies in, when PlaceRegions knows it: "Manchester"
// and "moss side" are north_west.
func RegionOfPlace(place string) (Region, bool) {
	r, ok := PlaceRegions[strings.Join(strings.Fields(strings.ToLower(place)), " ")]
	return r, ok
}

// ukDate is day/month/year, the way Excel writes dates in the UK.
const ukDate = "2/1/2006"

// ParseDate reads a date written YYYY-MM-DD, or DD/MM/YYYY as a UK spreadsheet writes it
// (never month first).
func ParseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		return t, nil
	}
	return time.Parse(ukDate, s)
}
