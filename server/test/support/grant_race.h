#ifndef ERP_TEST_GRANT_RACE_H
#define ERP_TEST_GRANT_RACE_H

/*
 * The write-skew attack on segregation of duties: two grants that are each
 * fine alone but together give one user both sides of a pair, decided at the
 * same moment. For each of `pairs` fresh users (made straight in the
 * database: they never log in), the administrator requests role_a and role_b
 * in company, then two threads approve the two requests together as the
 * second administrator (test_iam_second_admin_token).
 */
struct grant_race_result {
	long both;        /* users who ended with both roles: the control failed */
	long exactly_one; /* users who got one grant and a 409 for the other */
	long unexpected;  /* approvals answered with anything but 200 or 409 */
};

/* email_prefix makes the users' emails unique per run ("racer" -> racer1@race.test, ...). */
void grant_race_run(const char *base_url, const char *db_url, const char *admin_token,
		    const char *company, const char *role_a, const char *role_b, int pairs,
		    const char *email_prefix, struct grant_race_result *out);

#endif
