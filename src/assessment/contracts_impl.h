/* contracts_impl.h — what contracts.c and contracts_pdf.c share inside
 * the assessment module: one contract as the pages read it (arena). */
#ifndef WM_ASSESS_CONTRACTS_IMPL_H
#define WM_ASSESS_CONTRACTS_IMPL_H

#include <stdint.h>

#include "../core/i18n.h"

struct req;
struct assess_tree;

struct contract {
	int64_t id, system_id, parent_id, issuer_unit, holder_unit, holder_person;
	int64_t holder_user; /* the holder person's account, 0: none */
	int year, level;
	const char *state, *targets, *starts_on, *code, *system_name;
	const char *issuer_name, *holder_unit_name, *holder_person_name, *holder_kind;
	const char *issuer_signer, *holder_signer; /* "" until signed */
	int64_t issued_at, issuer_signed_at, holder_signed_at, issuer_signed_by, holder_signed_by;
};

struct contract_item {
	int64_t indicator;
	double points;
	const char *target;
};

/* 0, or -1 when there is no such contract. */
int contract_load(struct req *r, int64_t id, struct contract *c);
/* The items in the tree's order; their number, or -1 on a database error. */
int contract_items_load(struct req *r, int64_t contract_id, struct contract_item **out);
/* Sorts items depth first, as the tree reads. */
void contract_items_sort(struct req *r, const struct assess_tree *t, struct contract_item *v, int n);
/* The parties, their clerks above and the office (and organization-wide grants). */
int contract_may_see(struct req *r, const struct contract *c);
int contract_sees_all(struct req *r);
/* "unit" or "person（unit）" (arena). */
const char *contract_holder_name(struct req *r, const struct contract *c);
/* "組織領導 › 黨員隊伍" (arena). */
const char *contract_indicator_path(struct req *r, const struct assess_tree *t, int64_t id);
/* "2026-03-01 09:30" in local time; "" for 0 (arena). */
const char *contract_time(struct req *r, int64_t t);
enum msg_id contract_state_label(const char *state);
enum msg_id contract_level_label(int level);

/* contracts_pdf.c */
int contract_pdf(struct req *r);
int contract_verify_page(struct req *r);

#endif
