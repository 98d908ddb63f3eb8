/* module.c — the learning and education module (學習教育): study plans and
 * sessions with attendance and QR sign-in, the "five ones" / "three ones"
 * programmes, training with certificates, papers and awards, model
 * figures and learning events, their statistics and metrics. */
#include "../cli.h"
#include "../web/layout.h"
#include "learning.h"

extern const struct route learn_programme_routes[];

static const struct command commands[] = {
	{"learning-tally", cmd_learning_tally, "the attendance statistics' tally: recount it",
	 "usage: wenming learning-tally\n"
	 "Recounts the running tally the attendance statistics read (learning_att_days) from the\n"
	 "attendance rows: once for a database made before the tally existed. Every write keeps it\n"
	 "exact afterwards."},
	{NULL, NULL, NULL, NULL},
};

static const struct record_section sections[] = {
	{.type = RECORD_PEOPLE, .render = learn_person_section},
	{.type = RECORD_PEOPLE, .render = learn_person_certificates},
	{.type = NULL},
};

const struct module learning_module = {
	.name = "learning",
	.migrations = "src/learning/migrations/",
	.types = (const struct record_type *const[]){&study_plans_type, &study_sessions_type, &programmes_type,
						     &programme_tasks_type, &programme_items_type, &courses_type,
						     &enrolments_type, &papers_type, &awards_type, &figures_type,
						     &events_type, &participants_type, NULL},
	.routes = (const struct route *const[]){learn_routes, learn_programme_routes, learn_stats_routes,
						learn_public_routes, learn_cert_routes, NULL},
	.sections = sections,
	.commands = commands,
	.observers = (const struct record_observer *const[]){&learn_units_observer, NULL},
	.demo = learning_demo,
	.metrics = learn_metrics,
	.home = learn_home,
};
