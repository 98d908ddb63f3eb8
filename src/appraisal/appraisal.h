/* appraisal.h — the democratic appraisal module (民主評議): questionnaires
 * on the seven dimensions, yearly campaigns, rater pools with stratified
 * random sampling, one-time ballot tokens, the anonymous ballot page, paper
 * opinion forms, results per unit and appeals. What other modules may rely
 * on: the table appraisal_opinions (id, campaign_id, unit_id, body) and the
 * metrics appraisal_score and appraisal_response_rate. */
#ifndef WM_APPRAISAL_H
#define WM_APPRAISAL_H

#include <stdint.h>

#include "../http/app.h"
#include "../module.h"
#include "../records/record.h"

enum { QNR_TITLE, QNR_LEVELS, QNR_DESCRIPTION, QNR__COUNT };
enum { Q_QUESTIONNAIRE_ID, Q_POSITION, Q_DIMENSION, Q_TEXT_HANT, Q_TEXT_HANS, Q_TEXT_EN, Q_LEVELS, Q__COUNT };
enum {
	CAMP_YEAR,
	CAMP_TITLE,
	CAMP_ROOT_UNIT_ID,
	CAMP_UNIT_KINDS,
	CAMP_QUESTIONNAIRE_ID,
	CAMP_PERIOD_FROM,
	CAMP_PERIOD_TO,
	CAMP_WEIGHT,
	CAMP_MIN_SAMPLE,
	CAMP_STATE,
	CAMP__COUNT
};
enum { POOL_CAMPAIGN_ID, POOL_KIND, POOL_NAME, POOL_NOTE, POOL__COUNT };
enum { RATER_POOL_ID, RATER_NAME, RATER_STRATUM, RATER_UNIT_ID, RATER_CONTACT, RATER__COUNT };
enum { APPEAL_CAMPAIGN_ID, APPEAL_UNIT_ID, APPEAL_REASON, APPEAL_FILES, APPEAL_STATE, APPEAL__COUNT };

extern const struct record_type appraisal_questionnaires_type, appraisal_questions_type, appraisal_campaigns_type,
	appraisal_pools_type, appraisal_raters_type, appraisal_appeals_type;
extern const struct enum_opt appraisal_dimensions[], appraisal_pool_kinds[];
extern const struct route appraisal_routes[], appraisal_ballot_routes[];
extern const struct metric appraisal_metrics[];

#define APPRAISAL_NDIM 7
#define APPRAISAL_MAXQ 64 /* questions of one questionnaire */

/* One question of a questionnaire, in position order (arena). */
struct appraisal_q {
	int64_t id;
	int dim;    /* index into appraisal_dimensions */
	int levels; /* 3 or 5 */
	const char *text[3];
};
/* The questions of questionnaire qid into q (at most APPRAISAL_MAXQ): their
 * number, or a negative DB_E_* code. */
int appraisal_questions(struct req *r, int64_t qid, struct appraisal_q *q);
/* The label of level l (1 worst .. levels best) of a question. */
enum msg_id appraisal_level_label(int levels, int l);

/* A ballot to store: the answers in the questions' order (levels 1..),
 * the free-text opinion (may be empty). */
struct appraisal_ballot {
	int64_t campaign, unit, pool; /* pool 0: a paper form */
	const char *token_hash;       /* NULL: a paper form */
	int nq;
	const struct appraisal_q *q;
	const int *level;
	const char *opinion;
	int used; /* out: the token had been used (nothing stored) */
};
/* Stores a ballot, its tally and its opinion (and marks the token used) in
 * the caller's transaction: 0, 1 when the token was used already, or a
 * negative DB_E_* code. Writes no audit entry and no log line. */
int appraisal_store(struct req *r, struct appraisal_ballot *b);

/* The ballot form's questions, with the answers given (0: none) and the
 * first question missing (-1: none) marked. */
void appraisal_render_questions(struct req *r, int nq, const struct appraisal_q *q, const int *level,
				const char *opinion, int missing);
/* Reads the answers q<ID>=level of a posted form into level[]: the index
 * of the first unanswered question, or -1 when all are. */
int appraisal_read_answers(struct req *r, int nq, const struct appraisal_q *q, int *level);

/* The stored form of a ballot token: its 16 letters and digits
 * upper-cased (dashes and spaces skipped), SHA-256 in hex (arena); NULL
 * for anything else. */
const char *appraisal_token_hash(struct req *r, const char *token);

/* Detail-page sections. */
void appraisal_campaign_extra(struct req *r, const struct record *rec);
void appraisal_pool_extra(struct req *r, const struct record *rec);
void appraisal_questionnaire_extra(struct req *r, const struct record *rec);
void appraisal_appeal_extra(struct req *r, const struct record *rec);
/* The campaign of the route's {id}, whoever asks (the handler decides
 * who may do what with it); NULL when the request failed (404). */
struct record *appraisal_campaign_of_route(struct req *r);

/* True for admin or office grants over the whole organization. */
int appraisal_is_office(struct req *r);

extern const struct module appraisal_module;

int appraisal_demo(struct db *db, const struct demo_options *o, char *err, size_t errlen);

#endif
