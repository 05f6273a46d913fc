/**
 * Error pages that say what happened and what to do next, in Japanese first. Handlers
 * throw `WebError`; the app's error handler renders it inside the page shell.
 */
import { h } from './html.js';
import type { Html } from './html.js';
import { bi, renderPage } from './layout.js';
import type { StaffAccount } from './staff/accounts.js';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 413 | 429 | 500 | 503;

export interface ErrorText {
  readonly ja: string;
  readonly en: string;
  /** What to do about it. */
  readonly todo?: string;
}

export const ERROR_TEXT: Readonly<Record<ErrorStatus, ErrorText & { title: string; titleEn: string }>> = {
  400: { title: '入力内容に誤りがあります', titleEn: 'Bad request', ja: '送信された内容を処理できませんでした。', en: 'The request could not be processed.', todo: '入力内容を確認して、もう一度お試しください。' },
  401: { title: 'ログインが必要です', titleEn: 'Sign-in required', ja: 'この操作にはログインが必要です。', en: 'Please sign in.', todo: 'ログインしてからもう一度お試しください。' },
  403: { title: '権限がありません', titleEn: 'Forbidden', ja: 'この操作を行う権限がありません。', en: 'You are not allowed to do this.', todo: '必要な場合は、責任者または管理者に権限の付与を依頼してください。' },
  404: { title: 'ページが見つかりません', titleEn: 'Not found', ja: 'お探しのページまたはデータは見つかりませんでした。', en: 'The page or record was not found.', todo: 'アドレスを確認するか、メニューからもう一度たどってください。' },
  409: { title: '操作できない状態です', titleEn: 'Conflict', ja: '現在の状態ではこの操作を行えません。', en: 'This cannot be done in the current state.', todo: '画面を再読み込みして最新の状態を確認してください。' },
  413: { title: '送信内容が大きすぎます', titleEn: 'Too large', ja: '送信された内容が大きすぎます。', en: 'The request is too large.', todo: '内容を減らしてもう一度お試しください。' },
  429: { title: 'しばらくお待ちください', titleEn: 'Too many attempts', ja: '短時間に失敗が続いたため、一時的に受け付けを停止しています。', en: 'Too many failed attempts.', todo: '表示された時刻を過ぎてからもう一度お試しください。' },
  500: { title: 'システムエラー', titleEn: 'Server error', ja: 'システム内部でエラーが発生しました。操作は完了していない可能性があります。', en: 'Something went wrong on the server.', todo: '時間をおいて再度お試しください。続く場合はシステム担当へ連絡してください(発生時刻を控えてください)。' },
  503: { title: '準備中の機能です', titleEn: 'Not available', ja: 'この機能はまだこの事務システムで利用できません。', en: 'This feature is not available yet.', todo: 'システム担当へお問い合わせください。' },
};

/** A failure to show as an error page with its status. */
export class WebError extends Error {
  override readonly name = 'WebError';
  constructor(
    readonly status: ErrorStatus,
    readonly text: Partial<ErrorText> = {},
    options?: { cause?: unknown },
  ) {
    super(text.en ?? ERROR_TEXT[status].en, options);
  }
}

export function errorBody(status: ErrorStatus, text: Partial<ErrorText> = {}, extra?: Html): Html {
  const base = ERROR_TEXT[status];
  return h`<section class="error-page" role="alert">
  <p class="code">${status}</p>
  <p>${bi(text.ja ?? base.ja, text.en ?? base.en)}</p>
  ${text.todo ?? base.todo ? h`<p><strong>対処:</strong> ${text.todo ?? base.todo}</p>` : ''}
  ${extra ?? ''}
  <p><a href="/">概要へ戻る <span class="en" lang="en">Back to the overview</span></a></p>
</section>`;
}

export function renderErrorPage(
  status: ErrorStatus,
  input: { orgName: string; staff?: StaffAccount | undefined; csrf?: string | undefined; text?: Partial<ErrorText>; extra?: Html },
): string {
  const base = ERROR_TEXT[status];
  return renderPage({
    title: base.title,
    titleEn: base.titleEn,
    orgName: input.orgName,
    staff: input.staff,
    csrf: input.csrf,
    body: errorBody(status, input.text, input.extra),
  });
}
