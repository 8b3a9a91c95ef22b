/*
 * jsontext.h - JSON arrays held as text, for replies of many elements.
 *
 * As a json-c tree, every element of a reply costs about 4 KB (each object
 * is a hash table): show-vips of 1,000,000 VIPs took 4.6 GB and 25 s.  A
 * text array prints each element as it is added and frees the element's
 * tree, about 200 bytes an element.  It is a json_object (an array whose
 * serializer writes the text), so it goes into a reply like any other
 * value; its elements cannot be read back.  No I/O here.
 */
#ifndef LBBGP_JSONTEXT_H
#define LBBGP_JSONTEXT_H

#include <json-c/json.h>
#include <stdbool.h>

/* An empty text array; NULL when out of memory. */
json_object *jtext_array_new(void);
/*
 * Print elem at the end of arr and drop the caller's reference to it.
 * False when out of memory: the array then ends before elem, and every
 * later add fails too.
 */
bool jtext_array_add(json_object *arr, json_object *elem);
/* No add has failed. */
bool jtext_array_ok(json_object *arr);

#endif
