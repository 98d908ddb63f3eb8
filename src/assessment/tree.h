/* tree.h — one indicator system and its tree as the pages read them
 * (systems.c, indicators.c); everything lives in the request arena. */
#ifndef WM_ASSESS_TREE_H
#define WM_ASSESS_TREE_H

#include <stdint.h>

struct req;

struct assess_system {
	int64_t id;
	int year, version;
	const char *name, *state;
	double total;     /* declared */
	double sub_share; /* % of a unit's round score from its sub-units' */
};

struct assess_node {
	int64_t id, parent; /* parent 0: first level */
	int level, position, leaf;
	const char *name, *method, *formula, *metric, *evidence;
	double max_points, per_event;
	double sum; /* a leaf's points, or the sum of its leaves' */
};

struct assess_tree {
	struct assess_node *v; /* by level, then position */
	int n;
	double total; /* sum of the leaves' points */
};

/* "2026 · name", or the name when it says its year (arena). */
const char *assess_system_title(struct req *r, int year, const char *name);
/* 0, or -1 when there is no such system. */
int assess_system_load(struct req *r, int64_t id, struct assess_system *s);
/* May the user see it: the office sees every system, others the ones in use. */
int assess_system_visible(struct req *r, const struct assess_system *s);
/* 0, or -1 on a database error. */
int assess_tree_load(struct req *r, int64_t system_id, struct assess_tree *t);

#endif
