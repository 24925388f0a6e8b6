import type * as z from 'zod';
import { type Activity, Questionnaire } from '../../functions/core/model.ts';

const HALL: Activity[] = ['accompanied', 'experiential', 'unannounced'];
const HOTLINE: Activity[] = ['hotline'];

const QUESTIONNAIRE: z.input<typeof Questionnaire> = {
  id: 'nj-theme-month-2022',
  title: {
    zh: '南京市政务服务主题督查月监督问卷',
    en: 'Nanjing Government Service Theme Supervision Month: supervisor questionnaire',
  },
  sections: [
    {
      dimension: 'standardization',
      title: { zh: '标准化', en: 'Standardization' },
      weight: 1,
      questions: [
        {
          id: 'q-item-list',
          kind: 'yesno',
          indicator: 'item-list',
          dimension: 'standardization',
          weight: 2,
          activities: HALL,
          title: {
            zh: '窗口办理的事项和办事指南与公布的政务服务事项清单一致',
            en: 'The items handled and their service guides match the published list of government service items',
          },
        },
        {
          id: 'q-one-door',
          kind: 'yesno',
          indicator: 'one-door',
          dimension: 'standardization',
          weight: 1.5,
          activities: HALL,
          title: {
            zh: '所需事项都能在本中心集中办理，做到“只进一扇门”',
            en: 'Everything the matter needed was handled in this one center ("only one door")',
          },
        },
        {
          id: 'q-standard-forms',
          kind: 'rating',
          indicator: 'standard-forms',
          dimension: 'standardization',
          activities: HALL,
          title: {
            zh: '申请表格、填写示范和一次性告知单规范统一、清楚易懂',
            en: 'Application forms, filled-in samples and one-time notice sheets are standard, clear and easy to follow',
          },
        },
        {
          id: 'q-site-zones',
          kind: 'choice',
          indicator: 'site-zones',
          dimension: 'standardization',
          activities: HALL,
          title: {
            zh: '服务场所功能分区（咨询导办、综合受理、自助服务、等候休息）是否齐全、标识清楚',
            en: 'Are the service areas (enquiries and guidance, joint intake, self-service, waiting) complete and clearly signposted?',
          },
          options: [
            {
              value: 'complete',
              label: { zh: '全部齐全，标识清楚', en: 'All present and clearly signposted' },
              score: 100,
            },
            { value: 'mostly', label: { zh: '大部分齐全', en: 'Most present' }, score: 60 },
            {
              value: 'lacking',
              label: { zh: '缺失较多或标识混乱', en: 'Several missing or confusing signs' },
              score: 20,
            },
          ],
        },
      ],
    },
    {
      dimension: 'regulation',
      title: { zh: '规范化', en: 'Regulation' },
      weight: 1,
      questions: [
        {
          id: 'q-staff-on-post',
          kind: 'yesno',
          indicator: 'staff-on-post',
          dimension: 'regulation',
          activities: HALL,
          title: {
            zh: '窗口工作人员在岗在位，并佩戴工作牌',
            en: 'Window staff were at their posts and wearing name badges',
          },
        },
        {
          id: 'q-staff-conduct',
          kind: 'rating',
          indicator: 'staff-conduct',
          dimension: 'regulation',
          weight: 1.5,
          activities: HALL,
          title: {
            zh: '工作人员的服务态度、文明用语和业务熟练程度',
            en: 'Staff attitude, courtesy and command of the procedures',
          },
        },
        {
          id: 'q-extra-documents',
          kind: 'yesno',
          good: 'no',
          indicator: 'no-extra-documents',
          dimension: 'regulation',
          weight: 2,
          activities: HALL,
          title: {
            zh: '是否被要求提供清单以外的材料或证明',
            en: 'Were you asked for documents or certificates that are not on the published list?',
          },
        },
        {
          id: 'q-no-reject-window',
          kind: 'yesno',
          indicator: 'no-reject-window',
          dimension: 'regulation',
          activities: HALL,
          title: {
            zh: '设有“办不成事”反映窗口，并能当场受理、跟踪解决',
            en: 'A "can\'t get it done" window is in place and takes up the case on the spot',
          },
        },
        {
          id: 'q-queue-order',
          kind: 'choice',
          indicator: 'queue-order',
          dimension: 'regulation',
          activities: HALL,
          title: { zh: '取号排队和叫号秩序', en: 'Order of ticketing, queueing and calling' },
          options: [
            {
              value: 'orderly',
              label: { zh: '取号叫号有序，无插队', en: 'Orderly calling, no queue-jumping' },
              score: 100,
            },
            {
              value: 'uneven',
              label: { zh: '偶有插队或叫号混乱', en: 'Occasional queue-jumping or confused calling' },
              score: 50,
            },
            { value: 'disorderly', label: { zh: '秩序混乱', en: 'Disorderly' }, score: 0 },
          ],
        },
      ],
    },
    {
      dimension: 'facilitation',
      title: { zh: '便利化', en: 'Facilitation' },
      weight: 1,
      questions: [
        {
          id: 'q-wait-minutes',
          kind: 'number',
          indicator: 'waiting-time',
          dimension: 'facilitation',
          weight: 1.5,
          activities: HALL,
          title: { zh: '从取号到开始办理的等候时间', en: 'Time from taking a ticket to being served' },
          unit: { zh: '分钟', en: 'minutes' },
          best: 5,
          worst: 60,
          maxValue: 480,
        },
        {
          id: 'q-trips',
          kind: 'number',
          indicator: 'trips-needed',
          dimension: 'facilitation',
          weight: 2,
          activities: HALL,
          title: {
            zh: '办成这件事一共需要跑几次（含本次，“最多跑一次”）',
            en: 'Trips the matter takes in all, this one included ("at most one trip")',
          },
          unit: { zh: '次', en: 'trips' },
          best: 1,
          worst: 4,
          minValue: 1,
          maxValue: 20,
        },
        {
          id: 'q-one-network',
          kind: 'choice',
          indicator: 'one-network',
          dimension: 'facilitation',
          activities: HALL,
          title: { zh: '该事项“一网通办”的程度', en: 'How far the item can be handled online ("one network")' },
          options: [
            { value: 'online', label: { zh: '全程网上办理', en: 'Fully online' }, score: 100 },
            { value: 'partly', label: { zh: '部分环节网上办理', en: 'Partly online' }, score: 60 },
            { value: 'offline', label: { zh: '只能现场办理', en: 'In person only' }, score: 0 },
          ],
        },
        {
          id: 'q-help-and-proxy',
          kind: 'yesno',
          indicator: 'help-and-proxy',
          dimension: 'facilitation',
          activities: HALL,
          title: {
            zh: '为老年人、残疾人等群体提供帮办代办服务',
            en: 'Help and proxy service is offered to elderly and disabled people',
          },
        },
        {
          id: 'q-self-service',
          kind: 'rating',
          indicator: 'self-service',
          dimension: 'facilitation',
          activities: HALL,
          title: { zh: '自助服务终端运行正常、便于使用', en: 'Self-service terminals work and are easy to use' },
        },
        {
          id: 'q-hall-notes',
          kind: 'text',
          dimension: 'facilitation',
          required: false,
          activities: HALL,
          title: { zh: '发现的问题和改进建议', en: 'Problems found and suggestions for improvement' },
        },
      ],
    },
    {
      dimension: 'hotline',
      title: { zh: '12345 热线', en: '12345 hotline' },
      weight: 1,
      questions: [
        {
          id: 'q-answer-seconds',
          kind: 'number',
          indicator: 'answer-speed',
          dimension: 'hotline',
          weight: 1.5,
          activities: HOTLINE,
          title: { zh: '来电从接通到坐席应答的时间', en: 'Time from connection until an agent answered' },
          unit: { zh: '秒', en: 'seconds' },
          best: 10,
          worst: 120,
          maxValue: 3600,
        },
        {
          id: 'q-zero-transfer',
          kind: 'yesno',
          indicator: 'zero-transfer',
          dimension: 'hotline',
          activities: HOTLINE,
          title: {
            zh: '来电无需语音导航，由坐席直接接听、未被转接（“零转接”）',
            en: 'The call reached an agent directly, with no voice menu and no transfer ("zero transfer")',
          },
        },
        {
          id: 'q-agent-knowledge',
          kind: 'rating',
          indicator: 'agent-knowledge',
          dimension: 'hotline',
          weight: 1.5,
          activities: HOTLINE,
          title: {
            zh: '坐席业务知识专业，能准确理解诉求并给出有效建议',
            en: 'The agent knew the subject, understood the request and gave useful advice',
          },
        },
        {
          id: 'q-resolution',
          kind: 'choice',
          indicator: 'resolution',
          dimension: 'hotline',
          weight: 2,
          activities: HOTLINE,
          title: { zh: '诉求的处理结果', en: 'Outcome of the request' },
          options: [
            { value: 'resolved', label: { zh: '当场解答解决', en: 'Resolved during the call' }, score: 100 },
            {
              value: 'dispatched',
              label: { zh: '受理并派单，告知办理时限', en: 'Accepted and dispatched, with a stated deadline' },
              score: 70,
            },
            { value: 'noted', label: { zh: '仅作记录，未告知去向', en: 'Only noted, no next step given' }, score: 30 },
            { value: 'refused', label: { zh: '未予受理', en: 'Not accepted' }, score: 0 },
          ],
        },
        {
          id: 'q-hotline-notes',
          kind: 'text',
          dimension: 'hotline',
          required: false,
          activities: HOTLINE,
          title: { zh: '通话中发现的问题和建议', en: 'Problems noticed during the calls and suggestions' },
        },
      ],
    },
  ],
};

/** The demo questionnaire: 20 questions over standardization, regulation, facilitation and the 12345 hotline. */
export function demoQuestionnaire(): Questionnaire {
  return Questionnaire.parse(QUESTIONNAIRE);
}
