// Metadata of Redis 7.0's "geo" group for COMMAND INFO / DOCS / GETKEYS (see command_meta.h).
// Facts (arity, flags, key specs, tips, arguments, history) as redis-server 7.0.15 reports them;
// the summaries are duet's own.
#include "commands/command_meta.h"

namespace duet {

namespace {

constexpr CommandMetaDef kDefs[] = {
    {.name = "geoadd",
     .summary = "Adds places, given as longitude and latitude, to a geospatial index.",
     .since = "3.2.0",
     .complexity = "O(log(N)) for each item added, where N is the number of elements in the sorted "
                   "set.",
     .redis = "-5 1 1 1 write,denyoom @write,@geo,@slow",
     .key_specs = {Spec(kKeyRW | kKeyUpdate, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 oneof:condition?@6.2.0[pure-token:nx=NX pure-token:xx=XX] "
             "pure-token:change=CH?@6.2.0 block:longitude_latitude_member*[double:longitude "
             "double:latitude string:member]",
     .history = "6.2.0 Added the `CH`, `NX` and `XX` options."},
    {.name = "geodist",
     .summary = "Returns the distance between two places of a geospatial index.",
     .since = "3.2.0",
     .complexity = "O(log(N))",
     .redis = "-4 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member1 string:member2 oneof:unit?[pure-token:m=M "
             "pure-token:km=KM pure-token:ft=FT pure-token:mi=MI]"},
    {.name = "geohash",
     .summary = "Returns places of a geospatial index as geohash strings.",
     .since = "3.2.0",
     .complexity = "O(log(N)) for each member requested, where N is the number of elements in the "
                   "sorted set.",
     .redis = "-2 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member*"},
    {.name = "geopos",
     .summary = "Returns the longitude and latitude of places of a geospatial index.",
     .since = "3.2.0",
     .complexity = "O(N) where N is the number of members requested.",
     .redis = "-2 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member*"},
    {.name = "georadius",
     .summary = "Finds the places of a geospatial index within a radius of a point.",
     .since = "3.2.0",
     .complexity =
         "O(N+log(M)) where N is the number of elements inside the bounding box of the "
         "circular area delimited by center and radius and M is the number of items inside "
         "the index.",
     .redis = "-6 1 1 1 write,denyoom,movablekeys @write,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Keyword("STORE", 6), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Keyword("STOREDIST", 6), Range(0, 1, 0))},
     .args = "key:key#0 double:longitude double:latitude double:radius oneof:unit[pure-token:m=M "
             "pure-token:km=KM pure-token:ft=FT pure-token:mi=MI] "
             "pure-token:withcoord=WITHCOORD? pure-token:withdist=WITHDIST? "
             "pure-token:withhash=WITHHASH? block:count?[integer:count=COUNT "
             "pure-token:any=ANY?@6.2.0] oneof:order?[pure-token:asc=ASC pure-token:desc=DESC] "
             "key:key=STORE#1? key:key=STOREDIST#2?",
     .history = "6.2.0 Added the `ANY` option for `COUNT`.\n"
                "7.0.0 Added support for uppercase unit names.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` argument"},
    {.name = "georadius_ro",
     .summary =
         "Finds the places of a geospatial index within a radius of a point; read-only form.",
     .since = "3.2.10",
     .complexity =
         "O(N+log(M)) where N is the number of elements inside the bounding box of the "
         "circular area delimited by center and radius and M is the number of items inside "
         "the index.",
     .redis = "-6 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 double:longitude double:latitude double:radius oneof:unit[pure-token:m=M "
             "pure-token:km=KM pure-token:ft=FT pure-token:mi=MI] "
             "pure-token:withcoord=WITHCOORD? pure-token:withdist=WITHDIST? "
             "pure-token:withhash=WITHHASH? block:count?[integer:count=COUNT "
             "pure-token:any=ANY?@6.2.0] oneof:order?[pure-token:asc=ASC pure-token:desc=DESC]",
     .history = "6.2.0 Added the `ANY` option for `COUNT`.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` with the `BYRADIUS` argument"},
    {.name = "georadiusbymember",
     .summary = "Finds the places of a geospatial index within a radius of one of its members.",
     .since = "3.2.0",
     .complexity =
         "O(N+log(M)) where N is the number of elements inside the bounding box of the "
         "circular area delimited by center and radius and M is the number of items inside "
         "the index.",
     .redis = "-5 1 1 1 write,denyoom,movablekeys @write,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Keyword("STORE", 5), Range(0, 1, 0)),
                   Spec(kKeyOW | kKeyUpdate, Keyword("STOREDIST", 5), Range(0, 1, 0))},
     .args = "key:key#0 string:member double:radius oneof:unit[pure-token:m=M pure-token:km=KM "
             "pure-token:ft=FT pure-token:mi=MI] pure-token:withcoord=WITHCOORD? "
             "pure-token:withdist=WITHDIST? pure-token:withhash=WITHHASH? "
             "block:count?[integer:count=COUNT pure-token:any=ANY?] "
             "oneof:order?[pure-token:asc=ASC pure-token:desc=DESC] key:key=STORE#1? "
             "key:key=STOREDIST#2?",
     .history = "7.0.0 Added support for uppercase unit names.",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by =
         "`GEOSEARCH` and `GEOSEARCHSTORE` with the `BYRADIUS` and `FROMMEMBER` arguments"},
    {.name = "georadiusbymember_ro",
     .summary =
         "Finds the places within a radius of a member of a geospatial index; read-only form.",
     .since = "3.2.10",
     .complexity =
         "O(N+log(M)) where N is the number of elements inside the bounding box of the "
         "circular area delimited by center and radius and M is the number of items inside "
         "the index.",
     .redis = "-5 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 string:member double:radius oneof:unit[pure-token:m=M pure-token:km=KM "
             "pure-token:ft=FT pure-token:mi=MI] pure-token:withcoord=WITHCOORD? "
             "pure-token:withdist=WITHDIST? pure-token:withhash=WITHHASH? "
             "block:count?[integer:count=COUNT pure-token:any=ANY?] "
             "oneof:order?[pure-token:asc=ASC pure-token:desc=DESC]",
     .doc_flags = "deprecated",
     .deprecated_since = "6.2.0",
     .replaced_by = "`GEOSEARCH` with the `BYRADIUS` and `FROMMEMBER` arguments"},
    {.name = "geosearch",
     .summary = "Finds the places of a geospatial index inside a circle or a box.",
     .since = "6.2.0",
     .complexity =
         "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box "
         "area around the shape provided as the filter and M is the number of items inside "
         "the shape",
     .redis = "-7 1 1 1 readonly @read,@geo,@slow",
     .key_specs = {Spec(kKeyRO | kKeyAccess, Index(1), Range(0, 1, 0))},
     .args = "key:key#0 oneof:from[string:member=FROMMEMBER "
             "block:longitude_latitude=FROMLONLAT[double:longitude double:latitude]] "
             "oneof:by[block:circle[double:radius=BYRADIUS oneof:unit[pure-token:m=M "
             "pure-token:km=KM pure-token:ft=FT pure-token:mi=MI]] block:box[double:width=BYBOX "
             "double:height oneof:unit[pure-token:m=M pure-token:km=KM pure-token:ft=FT "
             "pure-token:mi=MI]]] oneof:order?[pure-token:asc=ASC pure-token:desc=DESC] "
             "block:count?[integer:count=COUNT pure-token:any=ANY?] "
             "pure-token:withcoord=WITHCOORD? pure-token:withdist=WITHDIST? "
             "pure-token:withhash=WITHHASH?",
     .history = "7.0.0 Added support for uppercase unit names."},
    {.name = "geosearchstore",
     .summary = "Finds the places of a geospatial index inside a circle or a box and stores them.",
     .since = "6.2.0",
     .complexity =
         "O(N+log(M)) where N is the number of elements in the grid-aligned bounding box "
         "area around the shape provided as the filter and M is the number of items inside "
         "the shape",
     .redis = "-8 1 2 1 write,denyoom @write,@geo,@slow",
     .key_specs = {Spec(kKeyOW | kKeyUpdate, Index(1), Range(0, 1, 0)),
                   Spec(kKeyRO | kKeyAccess, Index(2), Range(0, 1, 0))},
     .args = "key:destination#0 key:source#1 oneof:from[string:member=FROMMEMBER "
             "block:longitude_latitude=FROMLONLAT[double:longitude double:latitude]] "
             "oneof:by[block:circle[double:radius=BYRADIUS oneof:unit[pure-token:m=M "
             "pure-token:km=KM pure-token:ft=FT pure-token:mi=MI]] block:box[double:width=BYBOX "
             "double:height oneof:unit[pure-token:m=M pure-token:km=KM pure-token:ft=FT "
             "pure-token:mi=MI]]] oneof:order?[pure-token:asc=ASC pure-token:desc=DESC] "
             "block:count?[integer:count=COUNT pure-token:any=ANY?] "
             "pure-token:storedist=STOREDIST?",
     .history = "7.0.0 Added support for uppercase unit names."},
};

}  // namespace

CommandMetaGroup GeoCommandMeta() { return {"geo", kDefs}; }

}  // namespace duet
