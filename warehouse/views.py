"""Views for analysts: the 360° customer view is plain SQL over the warehouse tables."""

from __future__ import annotations

from sqlalchemy import Engine, text

_CUSTOMER_360 = """
CREATE VIEW customer_360 AS
WITH rec AS (
    SELECT l.customer_id, r.id AS record_id, r.source
    FROM customer_link l JOIN source_record r ON r.id = l.source_record_id
),
tp AS (
    SELECT rec.customer_id,
        COUNT(*) AS touchpoints,
        SUM(CASE WHEN t.kind = 'order' THEN 1 ELSE 0 END) AS orders,
        SUM(CASE WHEN t.kind = 'receipt' THEN 1 ELSE 0 END) AS receipts,
        SUM(CASE WHEN t.kind = 'call' THEN 1 ELSE 0 END) AS calls,
        SUM(CASE WHEN t.kind = 'coupon_redemption' THEN 1 ELSE 0 END) AS coupon_redemptions,
        SUM(CASE WHEN t.kind IN ('order', 'receipt') THEN t.amount ELSE 0 END) AS revenue,
        MIN(t.occurred_at) AS first_touch_at,
        MAX(t.occurred_at) AS last_touch_at
    FROM rec JOIN touchpoint t ON t.source_record_id = rec.record_id
    GROUP BY rec.customer_id
),
consent_ranked AS (
    -- Per channel the status is decided by the latest grant or revocation (an unsubscribe
    -- after an opt-in wins, a new opt-in after an unsubscribe wins back); pending evidence
    -- (an unconfirmed paper opt-in) counts only when there is nothing else, undated
    -- evidence only after dated evidence.
    SELECT rec.customer_id, c.channel, c.status, c.method, c.evidence,
        ROW_NUMBER() OVER (
            PARTITION BY rec.customer_id, c.channel
            ORDER BY CASE WHEN c.status = 'pending' THEN 1 ELSE 0 END,
                CASE WHEN COALESCE(c.revoked_at, c.confirmed_at, c.opted_in_at) IS NULL
                    THEN 1 ELSE 0 END,
                COALESCE(c.revoked_at, c.confirmed_at, c.opted_in_at) DESC,
                c.id DESC
        ) AS rn
    FROM rec JOIN consent c ON c.source_record_id = rec.record_id
),
consent_grant AS (
    -- The strongest proof of a standing grant: a confirmed double opt-in before a checkbox.
    SELECT rec.customer_id, c.channel, c.method, c.evidence,
        ROW_NUMBER() OVER (
            PARTITION BY rec.customer_id, c.channel
            ORDER BY CASE WHEN c.method = 'double_opt_in' THEN 0 ELSE 1 END,
                CASE WHEN COALESCE(c.confirmed_at, c.opted_in_at) IS NULL THEN 1 ELSE 0 END,
                COALESCE(c.confirmed_at, c.opted_in_at) DESC,
                c.id DESC
        ) AS rn
    FROM rec JOIN consent c ON c.source_record_id = rec.record_id
    WHERE c.status = 'granted'
)
SELECT c.id AS customer_id, c.title, c.first_name, c.last_name, c.company, c.birth_date,
    c.email, c.phone, c.street, c.house_number, c.postal_code, c.city, c.country,
    c.sources AS source_systems, c.record_count AS source_records,
    COALESCE(tp.touchpoints, 0) AS touchpoints, COALESCE(tp.orders, 0) AS orders,
    COALESCE(tp.receipts, 0) AS receipts, COALESCE(tp.calls, 0) AS calls,
    COALESCE(tp.coupon_redemptions, 0) AS coupon_redemptions,
    COALESCE(tp.revenue, 0) AS revenue, tp.first_touch_at, tp.last_touch_at,
    ce.status AS email_consent,
    CASE WHEN ce.status = 'granted' THEN ge.method ELSE ce.method END AS email_consent_method,
    CASE WHEN ce.status = 'granted' THEN ge.evidence ELSE ce.evidence END
        AS email_consent_evidence,
    cp.status AS phone_consent,
    CASE WHEN cp.status = 'granted' THEN gp.method ELSE cp.method END AS phone_consent_method,
    co.status AS post_consent
FROM customer c
LEFT JOIN tp ON tp.customer_id = c.id
LEFT JOIN consent_ranked ce ON ce.customer_id = c.id AND ce.channel = 'email' AND ce.rn = 1
LEFT JOIN consent_ranked cp ON cp.customer_id = c.id AND cp.channel = 'phone' AND cp.rn = 1
LEFT JOIN consent_ranked co ON co.customer_id = c.id AND co.channel = 'post' AND co.rn = 1
LEFT JOIN consent_grant ge ON ge.customer_id = c.id AND ge.channel = 'email' AND ge.rn = 1
LEFT JOIN consent_grant gp ON gp.customer_id = c.id AND gp.channel = 'phone' AND gp.rn = 1
WHERE c.status = 'active'
"""


def create_views(engine: Engine) -> None:
    """(Re)create the analyst views; a view holds no data, so replacing it is safe.
    A customer's sources and record count are kept on `customer` by publishing."""
    with engine.begin() as connection:
        connection.execute(text("DROP VIEW IF EXISTS customer_360"))
        connection.execute(text(_CUSTOMER_360))
