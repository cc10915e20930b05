//! Summaries: one per video, generated after encoding (`origin: auto`) or written by hand.

use std::sync::Arc;

use apivideo_api::models::{self, LanguageOrigin, SummaryAttribute, SummarySourceStatus};
use http::StatusCode;

use super::videos;
use crate::events;
use crate::http::{self as h, HandlerResult, Problem, Req};
use crate::state::{Shared, State, SummaryRec, new_id, now};

/// The id of the summary of `video_id`, if it has one.
pub(crate) fn of_video(state: &State, video_id: &str) -> Option<String> {
    state
        .summaries
        .iter()
        .find(|(_, rec)| rec.summary.video_id.as_deref() == Some(video_id))
        .map(|(id, _)| id.clone())
}

/// Adds a summary to `video_id`: waiting for generation when `auto`, empty otherwise.
pub(crate) fn insert(
    state: &mut State,
    video_id: &str,
    auto: bool,
    attributes: Vec<SummaryAttribute>,
) -> models::Summary {
    let id = new_id("summary_");
    let at = now();
    let summary = models::Summary::new()
        .summary_id(id.clone())
        .created_at(at)
        .updated_at(at)
        .video_id(video_id)
        .origin(if auto {
            LanguageOrigin::Auto
        } else {
            LanguageOrigin::Api
        })
        .source_status(if auto {
            SummarySourceStatus::Waiting
        } else {
            SummarySourceStatus::Missing
        });
    let attributes = if attributes.is_empty() {
        vec![SummaryAttribute::Abstract, SummaryAttribute::Takeaways]
    } else {
        attributes
    };
    state.summaries.insert(
        id,
        SummaryRec {
            summary: summary.clone(),
            source: models::SummarySource::new(),
            attributes,
        },
    );
    summary
}

/// Writes the text of the waiting automatic summaries of `video_id`; returns their ids.
pub(crate) fn complete_waiting(state: &mut State, video_id: &str, title: &str) -> Vec<String> {
    let mut done = Vec::new();
    for (id, rec) in &mut state.summaries {
        let waiting = rec.summary.video_id.as_deref() == Some(video_id)
            && rec.summary.source_status == Some(SummarySourceStatus::Waiting);
        if !waiting {
            continue;
        }
        let mut source = models::SummarySource::new();
        if rec.attributes.contains(&SummaryAttribute::Abstract) {
            source.r#abstract = Some(format!(
                "\"{title}\" walks through its topic step by step; this abstract was written by \
                 apivideo-simulator from the transcript."
            ));
        }
        if rec.attributes.contains(&SummaryAttribute::Takeaways) {
            source.takeaways = vec![
                format!("\"{title}\" opens with the context of the topic."),
                "The middle part shows the main steps.".to_owned(),
                "It closes with a short recap.".to_owned(),
            ];
        }
        rec.source = source;
        rec.summary.source_status = Some(SummarySourceStatus::Completed);
        rec.summary.updated_at = Some(now());
        done.push(id.clone());
    }
    done
}

fn summary_not_found() -> Problem {
    h::not_found("No summary exists with this id.", "summaryId")
}

pub(crate) async fn create(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::SummaryCreationPayload = h::json_body(req).await?;
    videos::check_attributes(payload.attributes.as_ref(), "attributes")?;
    let auto = match &payload.origin {
        None => false,
        Some(models::SummaryCreationPayloadOrigin::Auto) => true,
        Some(_) => {
            return Err(h::bad_request(
                "invalid-attribute",
                "origin only accepts auto.",
                "origin",
            ));
        }
    };
    let mut state = shared.lock();
    let encoded = videos::active(&mut state, &payload.video_id)?.encoded;
    if of_video(&state, &payload.video_id).is_some() {
        return Err(h::conflict(
            "summary-already-exists",
            "Summary generation was already requested for this video.",
            "videoId",
            "Delete the current summary before requesting a new one.",
        ));
    }
    let summary = insert(
        &mut state,
        &payload.video_id,
        auto,
        payload.attributes.unwrap_or_default(),
    );
    drop(state);
    if auto && encoded {
        events::schedule_generation(shared, &payload.video_id);
    }
    Ok(h::json(StatusCode::CREATED, &summary))
}

pub(crate) fn list(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let page = h::page(req)?;
    let sort = h::sort_by(req, &["createdAt", "updatedAt", "videoId"], "createdAt")?;
    let descending = h::sort_descending(req)?;
    let origin = match req.query("origin") {
        None => None,
        Some(origin @ ("auto" | "api")) => Some(origin),
        Some(_) => {
            return Err(h::bad_request(
                "invalid-attribute",
                "origin accepts auto or api.",
                "origin",
            ));
        }
    };
    let status = match req.query("sourceStatus") {
        None => None,
        Some(status @ ("missing" | "waiting" | "failed" | "completed" | "unprocessable")) => {
            Some(status)
        }
        Some(_) => {
            return Err(h::bad_request(
                "invalid-attribute",
                "sourceStatus accepts missing, waiting, failed, completed or unprocessable.",
                "sourceStatus",
            ));
        }
    };
    let video = req.query("videoId");
    let state = shared.lock();
    let mut found: Vec<models::Summary> = state
        .summaries
        .values()
        .map(|rec| rec.summary.clone())
        .filter(|s| video.is_none_or(|v| s.video_id.as_deref() == Some(v)))
        .filter(|s| origin.is_none_or(|o| s.origin.as_ref().map(LanguageOrigin::as_str) == Some(o)))
        .filter(|s| {
            status.is_none_or(|st| {
                s.source_status.as_ref().map(SummarySourceStatus::as_str) == Some(st)
            })
        })
        .collect();
    found.sort_by(|a, b| {
        let order = match sort {
            "updatedAt" => a.updated_at.cmp(&b.updated_at),
            "videoId" => a.video_id.cmp(&b.video_id),
            _ => a.created_at.cmp(&b.created_at),
        };
        if descending { order.reverse() } else { order }
    });
    let (data, pagination) = h::paginate(found, page, req, &shared.config.base_url);
    Ok(h::json(
        StatusCode::OK,
        &models::SummariesListResponse::new(data, pagination),
    ))
}

pub(crate) fn delete(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let removed = shared.lock().summaries.shift_remove(req.param("summaryId"));
    match removed {
        Some(_) => Ok(h::empty(StatusCode::NO_CONTENT)),
        None => Err(summary_not_found()),
    }
}

pub(crate) fn get_source(shared: &Arc<Shared>, req: &Req) -> HandlerResult {
    let state = shared.lock();
    let rec = state
        .summaries
        .get(req.param("summaryId"))
        .ok_or_else(summary_not_found)?;
    Ok(h::json(StatusCode::OK, &rec.source))
}

pub(crate) async fn patch_source(shared: &Arc<Shared>, req: &mut Req) -> HandlerResult {
    let payload: models::SummaryUpdatePayload = h::json_body(req).await?;
    if payload.takeaways.as_ref().is_some_and(|t| t.len() > 3) {
        return Err(h::bad_request(
            "invalid-attribute",
            "A summary holds at most three takeaways.",
            "takeaways",
        ));
    }
    let mut state = shared.lock();
    let rec = state
        .summaries
        .get_mut(req.param("summaryId"))
        .ok_or_else(summary_not_found)?;
    if rec.summary.source_status == Some(SummarySourceStatus::Waiting) {
        return Err(h::conflict(
            "summary-already-exists",
            "The summary cannot be edited during generation.",
            "summaryId",
            "Wait until sourceStatus is completed, then retry.",
        ));
    }
    if let Some(text) = payload.r#abstract {
        rec.source.r#abstract = Some(text);
    }
    if let Some(takeaways) = payload.takeaways {
        rec.source.takeaways = takeaways;
    }
    rec.summary.source_status = Some(SummarySourceStatus::Completed);
    rec.summary.updated_at = Some(now());
    Ok(h::json(StatusCode::CREATED, &rec.source))
}
