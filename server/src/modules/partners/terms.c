/*
 * Payment terms: when a document is due (partners.h). Dates are counted as
 * days since 1970-01-01 on the proleptic Gregorian calendar (the civil
 * calendar PostgreSQL's date type uses), so adding days is integer addition.
 */
#include <stdio.h>
#include <string.h>

#include "modules/partners/partners.h"

static bool leap(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

static int days_in_month(int year, int month)
{
	static const int days[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return month == 2 && leap(year) ? 29 : days[month - 1];
}

/* Days since 1970-01-01 of a civil date (H. Hinnant's days_from_civil). */
static long days_from_civil(int year, int month, int day)
{
	long y = month <= 2 ? year - 1 : year;
	long era = (y >= 0 ? y : y - 399) / 400;
	long year_of_era = y - era * 400;
	long day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	long day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;

	return era * 146097 + day_of_era - 719468;
}

/* The civil date of a day count (civil_from_days). */
static void civil_from_days(long days, int *year, int *month, int *day)
{
	long z = days + 719468;
	long era = (z >= 0 ? z : z - 146096) / 146097;
	long day_of_era = z - era * 146097;
	long year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
	long day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	long mp = (5 * day_of_year + 2) / 153;

	*day = (int)(day_of_year - (153 * mp + 2) / 5 + 1);
	*month = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(year_of_era + era * 400 + (*month <= 2));
}

/* YYYY-MM-DD, a real date of years 0001..9999: true and its parts. */
static bool parse_date(const char *text, int *year, int *month, int *day)
{
	static const char shape[] = "dddd-dd-dd";

	if (!text || strlen(text) != sizeof(shape) - 1)
		return false;
	for (size_t i = 0; shape[i]; i++)
		if (shape[i] == 'd' ? (text[i] < '0' || text[i] > '9') : text[i] != '-')
			return false;
	*year = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
	*month = (text[5] - '0') * 10 + (text[6] - '0');
	*day = (text[8] - '0') * 10 + (text[9] - '0');
	return *year >= 1 && *month >= 1 && *month <= 12 && *day >= 1 &&
	       *day <= days_in_month(*year, *month);
}

int partners_due_date(const struct partners_payment_terms *terms, const char *date, char due[11])
{
	int year, month, day;
	char text[48]; /* room for any int, though a date's parts are 4, 2 and 2 digits */
	long from;

	if (!terms || terms->days < 0 || terms->days > PARTNERS_TERMS_DAYS_MAX ||
	    !parse_date(date, &year, &month, &day))
		return -1;
	from = days_from_civil(year, month, terms->end_of_month ? days_in_month(year, month) : day);
	civil_from_days(from + terms->days, &year, &month, &day);
	if (year > 9999)
		return -1;
	snprintf(text, sizeof(text), "%04d-%02d-%02d", year, month, day);
	memcpy(due, text, 11);
	return 0;
}
